package ${package};

import io.cleave.Component;
import io.cleave.Key;

/** Counts visits per name. */
@Component
public interface Counter {
    long increment(@Key String name);
}
