package io.cleave.kube;

import java.util.Locale;

/** Kubernetes names for Cleave's groups: {@code Catalog+Recommendations} is {@code catalog-recommendations}. */
final class Names {

    /** The label every object of the application carries, naming the application. */
    static final String PART_OF = "app.kubernetes.io/part-of";
    /** The label naming a pod's group (its DNS form). */
    static final String GROUP = "cleave.io/group";
    /** The annotation with the group's name as Cleave spells it. */
    static final String GROUP_NAME = "cleave.io/group-name";
    /** The label Kubernetes puts on an EndpointSlice naming its Service. */
    static final String SERVICE_NAME = "kubernetes.io/service-name";
    /** The named port of the transport in every Service and container. */
    static final String RPC_PORT = "rpc";

    private Names() {
    }

    /** The group's DNS label: lower case, every run of other characters one '-'. */
    static String dns(String group) {
        String s = group.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return s.length() > 40 ? s.substring(0, 40).replaceAll("-+$", "") : s;
    }

    /** The name of a group's objects (Deployment, Service, ...): {@code shop-catalog-recommendations}. */
    static String object(String application, String group) {
        return dns(application) + "-" + dns(group);
    }

    static boolean isDnsLabel(String s) {
        return s.length() <= 63 && s.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }
}
