package io.cleave.test.app;

import io.cleave.spi.Codecs;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Dependency;
import io.cleave.spi.ExceptionType;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import java.util.List;
import java.util.Set;

/** Shaped as cleave-codegen generates it. */
public final class Library_Cleave {
    private Library_Cleave() {
    }

    static final MethodDescriptor SHELVE = new MethodDescriptor("Library", 0, "shelve", false, -1,
            List.of(Codecs.list(Codecs.STRING)), Codecs.INT, List.of());
    static final MethodDescriptor SHELF = new MethodDescriptor("Library", 1, "shelf", false, -1,
            List.of(), Codecs.list(Codecs.STRING), List.of());
    static final MethodDescriptor CAPACITY = new MethodDescriptor("Library", 2, "capacity", false, -1,
            List.of(), Codecs.INT, List.of());
    static final MethodDescriptor LEND = new MethodDescriptor("Library", 3, "lend", false, -1,
            List.of(Codecs.STRING), Codecs.STRING,
            List.of(new ExceptionType<>(NotOnShelfException.class, NotOnShelfException::new)));

    @SuppressWarnings("unchecked")
    public static final ComponentDescriptor<Library> DESCRIPTOR = new ComponentDescriptor<>(
            "Library", Library.class, LibraryImpl.class,
            List.of(new Dependency.OnConfig<>("config", LibraryConfig.class, Library_Cleave::bind)),
            args -> new LibraryImpl((LibraryConfig) args[0]),
            List.of(SHELVE, SHELF, CAPACITY, LEND),
            Stub::new,
            (target, method, args) -> switch (method) {
                case 0 -> target.shelve((List<String>) args[0]);
                case 1 -> target.shelf();
                case 2 -> target.capacity();
                case 3 -> target.lend((String) args[0]);
                default -> throw new IllegalArgumentException("Library has no method #" + method);
            });

    static LibraryConfig bind(ConfigSection section) {
        section.rejectUnknown(Set.of("name", "capacity"));
        return new LibraryConfig(section.string("name"), section.has("capacity") ? section.int32("capacity") : 100);
    }

    static final class Stub implements Library {
        private final Invoker invoker;

        Stub(Invoker invoker) {
            this.invoker = invoker;
        }

        private Object call(MethodDescriptor method, Object... arguments) {
            try {
                return invoker.invoke(method, arguments);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int shelve(List<String> books) {
            return (Integer) call(SHELVE, books);
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<String> shelf() {
            return (List<String>) call(SHELF);
        }

        @Override
        public int capacity() {
            return (Integer) call(CAPACITY);
        }

        @Override
        public String lend(String title) throws NotOnShelfException {
            try {
                return (String) invoker.invoke(LEND, new Object[] {title});
            } catch (RuntimeException | NotOnShelfException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
