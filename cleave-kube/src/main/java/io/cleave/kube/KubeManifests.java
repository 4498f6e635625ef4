package io.cleave.kube;

import io.cleave.Cleave;
import io.cleave.StartupException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an application's Kubernetes manifests ({@code cleave deploy kube}): the application is
 * validated as for a start (configuration, component graph, {@code [kube]}), nothing is
 * constructed, and one YAML file per group plus one for the application are written.
 */
public final class KubeManifests {

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private KubeManifests() {
    }

    /**
     * Plans the application the builder describes with the {@code kube} deployer and writes its
     * manifests: {@code <app>.yaml} (ConfigMap, ServiceAccount, Role, RoleBinding) and
     * {@code <app>-<group>.yaml} per group (Deployment, Service, HorizontalPodAutoscaler,
     * PodDisruptionBudget, NetworkPolicy); with {@code [gateway]}, {@code <app>-gateway.yaml} last
     * (Deployment, Service, PodDisruptionBudget, NetworkPolicy). Files of the same names are
     * replaced; others in the directory are left alone.
     *
     * @param app the application: its configuration, overrides and class loader (the thread's
     *     context class loader finds its components)
     * @param out the directory, created if absent
     * @return the files written, in apply order
     * @throws StartupException naming what is wrong with the application or {@code [kube]}
     * @throws UncheckedIOException if a file cannot be written
     */
    public static List<Path> write(Cleave.Builder app, Path out) {
        Map<String, String> files = render(app);
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(out);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path file = out.resolve(f.getKey());
                Files.writeString(file, f.getValue());
                written.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifests to " + out + ": " + e.getMessage(), e);
        }
        return written;
    }

    /** File name to YAML text, in apply order. */
    static Map<String, String> render(Cleave.Builder app) {
        Manifests manifests = plan(app).manifests();
        Map<String, String> files = new LinkedHashMap<>();
        String prefix = Names.dns(manifests.applicationName());
        files.put(prefix + ".yaml", yaml(manifests.application()));
        manifests.groups().forEach((group, objects) -> files.put(prefix + "-" + Names.dns(group) + ".yaml", yaml(objects)));
        return files;
    }

    /** Validates the application and returns its plan, constructing nothing. */
    static KubeDeployer.Planned plan(Cleave.Builder app) {
        KubeDeployer.Planned[] planned = new KubeDeployer.Planned[1];
        KubeDeployer.PLANNING.set(p -> planned[0] = p);
        try {
            app.deployer(KubeDeployer.NAME).start().close();
            throw new IllegalStateException("the kube deployer did not plan; is cleave-kube on the class path twice?");
        } catch (KubeDeployer.Planned.Done done) {
            return planned[0];
        } finally {
            KubeDeployer.PLANNING.remove();
        }
    }

    /** Objects as one multi-document YAML text. */
    static String yaml(List<HasMetadata> objects) {
        StringBuilder b = new StringBuilder();
        for (HasMetadata o : objects) {
            String doc = YAML.asYaml(o);
            b.append(doc.startsWith("---") ? doc : "---\n" + doc);
            if (!doc.endsWith("\n")) {
                b.append('\n');
            }
        }
        return b.toString();
    }
}
