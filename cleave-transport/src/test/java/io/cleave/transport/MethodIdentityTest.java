package io.cleave.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.ComponentUnavailableException;
import io.cleave.codegen.CleaveProcessor;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.MethodDescriptor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two builds of one component, each compiled by cleave-codegen from its own source
 * ({@code src/test/resources/versions/v1|v2}) and loaded apart, calling each other over a real
 * socket: the second build inserted a method before the others, swapped two and added an
 * overload, so every method's position differs between them. A call reaches the method it names
 * or, when the callee's build has none, fails naming it without running anything.
 */
class MethodIdentityTest {

    @TempDir
    static Path work;

    private static Build v1;
    private static Build v2;
    private static RpcServer v1Server;
    private static RpcServer v2Server;
    private static RpcClient client;

    @BeforeAll
    static void start() throws Exception {
        v1 = Build.compile("v1", work);
        v2 = Build.compile("v2", work);
        v1Server = host(v1);
        v2Server = host(v2);
        client = RpcClient.builder().build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        for (RpcServer s : new RpcServer[] {v1Server, v2Server}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void theBuildsNumberTheirMethodsDifferently() {
        assertThat(v1.method("credit(java.lang.String,long)").index()).isZero();
        assertThat(v2.method("credit(java.lang.String,long)").index()).isEqualTo(3);
        assertThat(v1.method("calls()").index()).isEqualTo(2);
        assertThat(v2.method("calls()").index()).isEqualTo(4);
        assertThat(v1.method("credit(java.lang.String,long)").id())
                .isEqualTo(v2.method("credit(java.lang.String,long)").id());
    }

    @Test
    void anOldCallerReachesTheMethodItNamesOnANewReplica() throws Exception {
        Object oldStub = v1.stub(client, v2Server);

        assertThat(v1.call(oldStub, "credit", "acct-1", 500L)).isEqualTo("v2 credit acct-1 500");
        assertThat(v1.call(oldStub, "debit", "acct-1", 200L)).isEqualTo("v2 debit acct-1 200");
    }

    @Test
    void aNewCallerReachesTheMethodItNamesOnAnOldReplica() throws Exception {
        Object newStub = v2.stub(client, v1Server);

        assertThat(v2.call(newStub, "credit", "acct-2", 7L)).isEqualTo("v1 credit acct-2 7");
        assertThat(v2.call(newStub, "debit", "acct-2", 3L)).isEqualTo("v1 debit acct-2 3");
    }

    @Test
    void aMethodTheOldReplicaLacksFailsNamingItAndRunsNothing() throws Exception {
        Object newStub = v2.stub(client, v1Server);
        long callsBefore = (Long) v1.call(v1.stub(client, v1Server), "calls");

        assertThatThrownBy(() -> v2.call(newStub, "audit", "acct-3"))
                .isInstanceOfSatisfying(ComponentUnavailableException.class, e -> {
                    assertThat(e.certainlyNotDelivered()).isTrue();
                    assertThat(e).hasMessageStartingWith("Ledger.audit: ")
                            .hasMessageContaining("runs a build of Ledger without this method")
                            .hasMessageContaining("[credit(java.lang.String,long), debit(java.lang.String,long), calls()]");
                });
        assertThatThrownBy(() -> v2.call(newStub, "credit", "acct-3", 9))
                .isInstanceOf(ComponentUnavailableException.class)
                .hasMessageStartingWith("Ledger.credit: ");
        assertThat((Long) v1.call(v1.stub(client, v1Server), "calls")).as("nothing ran on the old replica")
                .isEqualTo(callsBefore);
    }

    private static RpcServer host(Build build) throws Exception {
        return RpcServer.builder().host(build.descriptor(), build.instance()).start();
    }

    /** One build of the component: its classes, loaded by a class loader of their own. */
    private record Build(ClassLoader loader, ComponentDescriptor<Object> descriptor) {

        static Build compile(String version, Path work) throws IOException, ReflectiveOperationException {
            Path sources = Path.of("src/test/resources/versions", version);
            Path classes = Files.createDirectories(work.resolve(version));
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null);
                    Stream<Path> walk = Files.walk(sources)) {
                List<Path> java = walk.filter(p -> p.toString().endsWith(".java")).toList();
                JavaCompiler.CompilationTask task = javac.getTask(null, files, null,
                        List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
                                "-parameters", "-Xlint:all,-processing", "-Werror"),
                        null, files.getJavaFileObjectsFromPaths(java));
                task.setProcessors(List.of(new CleaveProcessor()));
                assertThat(task.call()).as("compiling " + version).isTrue();
            }
            ClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                    MethodIdentityTest.class.getClassLoader());
            @SuppressWarnings("unchecked")
            ComponentDescriptor<Object> descriptor = (ComponentDescriptor<Object>) loader
                    .loadClass("ledger.Ledger_Cleave").getField("DESCRIPTOR").get(null);
            return new Build(loader, descriptor);
        }

        Object instance() throws Exception {
            return descriptor.factory().create(new Object[0]);
        }

        MethodDescriptor method(String signature) {
            return descriptor.methods().stream().filter(m -> m.signature().equals(signature)).findFirst().orElseThrow();
        }

        Object stub(RpcClient client, RpcServer server) {
            return client.stub(descriptor, RoutingTable.of(server.replica()));
        }

        /** Calls the stub's method of that name whose parameters take these arguments' types. */
        Object call(Object stub, String name, Object... arguments) throws Exception {
            for (Method m : descriptor.type().getMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == arguments.length
                        && accepts(m.getParameterTypes(), arguments)) {
                    try {
                        return m.invoke(stub, arguments);
                    } catch (InvocationTargetException e) {
                        throw (Exception) e.getCause();
                    }
                }
            }
            throw new IllegalArgumentException("no method " + name + " for " + List.of(arguments));
        }

        private static boolean accepts(Class<?>[] types, Object[] arguments) {
            for (int i = 0; i < types.length; i++) {
                Class<?> boxed = types[i] == long.class ? Long.class : types[i] == int.class ? Integer.class : types[i];
                if (!boxed.isInstance(arguments[i])) {
                    return false;
                }
            }
            return true;
        }
    }
}
