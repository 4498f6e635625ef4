package io.cleave.deploy;

import io.cleave.StartupException;
import io.cleave.runtime.spi.Deployer;
import io.cleave.runtime.spi.Deployment;
import io.cleave.runtime.spi.Gateway;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Invoker;
import java.util.Optional;

/**
 * The {@code multi} deployer: the application runs as one JVM per colocation group and
 * replica on this machine, under a supervisor. Select it with {@code [app] deployer = "multi"},
 * {@code --deployer=multi} or {@code Cleave.app().deployer("multi")}.
 *
 * <p>The process that starts the application becomes the supervisor: it hosts no component,
 * starts the children and hands its callers stubs that reach them over the transport. A child
 * (started by the supervisor with {@link GroupMain}) hosts its group's components and reaches
 * the others the same way. Found with {@link java.util.ServiceLoader}; see the module README
 * for the {@code [multi]} settings.
 */
public final class MultiDeployer implements Deployer {

    /** The deployer's name in configuration. */
    public static final String NAME = "multi";

    /** Creates the deployer; the runtime does this through {@link java.util.ServiceLoader}. */
    public MultiDeployer() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /** A child of a supervisor hosts a part; the supervisor deploys. */
    @Override
    public boolean deploysApplication() {
        return GroupDeployment.Identity.ofThisProcess().isEmpty();
    }

    /**
     * Plans this process's part: a child of a supervisor hosts its group; any other process
     * becomes the supervisor and returns once every replica serves or crash-loops.
     *
     * @throws StartupException if {@code [multi]} is invalid, the supervisor cannot start, or a
     *     child cannot join its supervisor
     */
    @Override
    public Deployment deploy(Context context) {
        MultiSettings settings;
        Plan plan;
        try {
            settings = MultiSettings.read(context.section(NAME));
            plan = Plan.of(context.components(), context.topology(), context.section("listeners"), context::section,
                    context.gateway(), true);
        } catch (ConfigSection.ConfigError e) {
            throw new StartupException(e.getMessage(), e);
        }
        Optional<GroupDeployment.Identity> child = GroupDeployment.Identity.ofThisProcess();
        if (child.isPresent()) {
            return GroupDeployment.join(child.get(), context.application(), plan, context.components(), context.transport(),
                    context.gateway().map(g -> new GroupDeployment.Front(g, context.section(Gateway.SECTION))));
        }
        Supervisor supervisor = Supervisor.start(context.application(), plan, settings, context.transport(),
                context.options(), context.components());
        return new SupervisorDeployment(supervisor);
    }

    /** The supervisor's process: hosts nothing; its callers reach every component in the children. */
    private record SupervisorDeployment(Supervisor supervisor) implements Deployment {

        @Override
        public boolean hosts(ComponentDescriptor<?> component) {
            return false;
        }

        @Override
        public Invoker remote(ComponentDescriptor<?> component) {
            return supervisor.invoker(component.name());
        }

        @Override
        public void endpoints(java.util.Map<String, String> endpoints) {
            supervisor.endpoints(endpoints);
        }

        @Override
        public Optional<io.cleave.runtime.spi.Overview> overview() {
            return Optional.of(supervisor.overview());
        }

        @Override
        public void close() {
            supervisor.close();
        }
    }
}
