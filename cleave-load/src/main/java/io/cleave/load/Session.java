package io.cleave.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** One run through a flow: where it is and the variables it has gathered. */
final class Session {

    final long id;
    final Scenario.Flow flow;
    final Map<String, JsonNode> vars;
    int next;

    Session(long id, Scenario.Flow flow, Map<String, JsonNode> vars) {
        this.id = id;
        this.flow = flow;
        this.vars = vars;
    }

    Step step() {
        return flow.steps().get(next);
    }

    /** Moves to the next step; false if the flow is done. */
    boolean advance() {
        next++;
        return next < flow.steps().size();
    }
}
