package io.cleave.deploy;

import io.cleave.Cleave;

/**
 * The entry point of a child process of the {@code multi} supervisor. The supervisor starts
 * it with the same configuration and overrides as its own, and system properties naming the
 * group and replica to host; it is not meant to be started by hand.
 */
public final class GroupMain {

    private GroupMain() {
    }

    /**
     * Runs this process's group until the supervisor says stop or goes away.
     *
     * @param args what {@link Cleave#run(String...)} accepts; the supervisor passes
     *     {@code --deployer=multi}, the configuration and every override
     */
    public static void main(String[] args) {
        if (System.getProperty(GroupDeployment.Identity.CONTROL) == null) {
            System.err.println("cleave: " + GroupMain.class.getName() + " runs a child of the multi supervisor and is"
                    + " started by it; run the application with --deployer=multi instead");
            System.exit(2);
        }
        Cleave.run(args);
    }
}
