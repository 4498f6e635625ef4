package io.cleave.contract;

import io.cleave.contract.Contract.Field;
import io.cleave.contract.Contract.Method;
import io.cleave.contract.Contract.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compares the contracts of two builds of an application: can the new one run beside the old
 * one, each calling the other, as a rolling update has them?
 *
 * <p>Compatible: an added component, method, record field (absent from an old build's values,
 * it takes its default) or enum constant (an old build cannot decode it: send it only once no
 * old build is left), and a declared exception added at the end. Breaking: a removed component
 * or method; a method whose parameter types, result type or declared exceptions changed
 * otherwise; a removed record field or one whose type changed; a removed enum constant; a
 * record that became an enum or the reverse; a removed method whose id an added one takes.
 */
public final class Compatibility {

    private Compatibility() {
    }

    /**
     * One difference between the builds.
     *
     * @param component the component it concerns
     * @param subject what changed: a method's signature, or a value type's qualified name
     * @param breaking whether it breaks calls between the builds
     * @param what what changed, and for a break why it breaks
     */
    public record Change(String component, String subject, boolean breaking, String what) {

        /** @return one line: {@code BREAKING Component.subject: what}, or {@code compatible ...} */
        @Override
        public String toString() {
            return (breaking ? "BREAKING   " : "compatible ") + component + (subject.isEmpty() ? "" : " " + subject)
                    + ": " + what;
        }
    }

    /**
     * Every difference between two builds, breaking ones first, then by component.
     *
     * @param before the old build's contracts, by component
     * @param after the new build's contracts, by component
     * @return the differences; empty when the contracts are the same
     */
    public static List<Change> compare(Map<String, Contract> before, Map<String, Contract> after) {
        List<Change> changes = new ArrayList<>();
        for (String name : new TreeSet<>(before.keySet())) {
            Contract old = before.get(name);
            Contract now = after.get(name);
            if (now == null) {
                changes.add(new Change(name, "", true, "component removed: calls to it from the old build fail"));
            } else {
                compare(old, now, changes);
            }
        }
        for (String name : new TreeSet<>(after.keySet())) {
            if (!before.containsKey(name)) {
                changes.add(new Change(name, "", false, "component added"));
            }
        }
        List<Change> sorted = new ArrayList<>(changes.stream().filter(Change::breaking).toList());
        sorted.addAll(changes.stream().filter(c -> !c.breaking()).toList());
        return sorted;
    }

    private static void compare(Contract old, Contract now, List<Change> out) {
        String c = old.component();
        Map<String, Method> oldMethods = bySignature(old.methods());
        Map<String, Method> newMethods = bySignature(now.methods());
        List<Method> removed = old.methods().stream().filter(m -> !newMethods.containsKey(m.signature())).toList();
        List<Method> added = now.methods().stream().filter(m -> !oldMethods.containsKey(m.signature())).toList();
        for (Method m : removed) {
            List<Method> sameName = added.stream().filter(a -> a.name().equals(m.name())).toList();
            long removedOfName = removed.stream().filter(r -> r.name().equals(m.name())).count();
            if (sameName.size() == 1 && removedOfName == 1) {
                out.add(new Change(c, m.signature(), true, "parameter types changed from " + types(m) + " to "
                        + types(sameName.get(0)) + ": the old build's calls name a method the new one does not have"));
            } else {
                out.add(new Change(c, m.signature(), true, "method removed: the old build's calls to it fail"));
            }
            for (Method a : added) {
                if (a.id().equals(m.id())) {
                    out.add(new Change(c, a.signature(), true, "takes the wire id " + a.id() + " of the removed "
                            + m.signature() + ": an old build's call of that would reach this one; rename it"));
                }
            }
        }
        for (Method m : old.methods()) {
            Method n = newMethods.get(m.signature());
            if (n != null) {
                compareMethod(c, m, n, out);
            }
        }
        for (Method m : added) {
            boolean replaces = removed.stream().filter(r -> r.name().equals(m.name())).count() == 1
                    && added.stream().filter(a -> a.name().equals(m.name())).count() == 1;
            if (!replaces) {
                out.add(new Change(c, m.signature(), false, "method added"));
            }
        }
        Map<String, ValueType> oldTypes = byName(old.valueTypes(), ValueType::name);
        for (ValueType t : now.valueTypes()) {
            ValueType o = oldTypes.get(t.name());
            if (o != null) {
                compareType(c, o, t, out);
            }
        }
    }

    private static void compareMethod(String c, Method m, Method n, List<Change> out) {
        for (int i = 0; i < m.parameters().size(); i++) {
            String was = m.parameters().get(i).type();
            String is = n.parameters().get(i).type();
            if (!was.equals(is)) {
                out.add(new Change(c, m.signature(), true, "parameter " + (i + 1) + " ('" + n.parameters().get(i).name()
                        + "') changed from " + was + " to " + is + ": its values are encoded differently"));
            }
        }
        if (!m.result().equals(n.result())) {
            out.add(new Change(c, m.signature(), true, "result type changed from " + m.result() + " to " + n.result()
                    + ": its values are encoded differently"));
        }
        if (!m.exceptions().equals(n.exceptions())) {
            boolean appended = n.exceptions().size() > m.exceptions().size()
                    && n.exceptions().subList(0, m.exceptions().size()).equals(m.exceptions());
            if (appended) {
                out.add(new Change(c, m.signature(), false, "declares " + n.exceptions().subList(m.exceptions().size(),
                        n.exceptions().size()) + " too (an old caller gets it as RemoteFailureException)"));
            } else {
                out.add(new Change(c, m.signature(), true, "declared exceptions changed from " + m.exceptions() + " to "
                        + n.exceptions() + ": a reply names its exception by position, so one would arrive as another"));
            }
        }
    }

    private static void compareType(String c, ValueType o, ValueType t, List<Change> out) {
        String what = t.kind() + " " + t.name();
        if (!o.kind().equals(t.kind())) {
            out.add(new Change(c, t.name(), true, "was a " + o.kind() + ", is a " + t.kind()));
            return;
        }
        Map<String, Field> oldFields = byName(o.fields(), Field::name);
        Map<String, Field> newFields = byName(t.fields(), Field::name);
        for (Field f : o.fields()) {
            Field n = newFields.get(f.name());
            if (n == null) {
                out.add(new Change(c, what, true, "field '" + f.name() + "' (" + f.type() + ") removed: an old build "
                        + "reads it as absent (null, 0, empty) from the new one's values"));
            } else if (!n.type().equals(f.type())) {
                out.add(new Change(c, what, true, "field '" + f.name() + "' changed from " + f.type() + " to " + n.type()
                        + ": its values are encoded differently"));
            }
        }
        for (Field f : t.fields()) {
            if (!oldFields.containsKey(f.name())) {
                out.add(new Change(c, what, false, "field '" + f.name() + "' (" + f.type()
                        + ") added: absent from an old build's values, it takes its default"));
            }
        }
        for (String constant : o.constants()) {
            if (!t.constants().contains(constant)) {
                out.add(new Change(c, what, true, "constant " + constant + " removed: the old build may still send it"));
            }
        }
        List<String> addedConstants = t.constants().stream().filter(k -> !o.constants().contains(k)).toList();
        if (!addedConstants.isEmpty()) {
            out.add(new Change(c, what, false, "constant" + (addedConstants.size() == 1 ? " " : "s ")
                    + String.join(", ", addedConstants) + " added: an old build cannot decode "
                    + (addedConstants.size() == 1 ? "it" : "them") + "; send only once no old build is left"));
        }
    }

    private static String types(Method m) {
        return m.parameters().stream().map(Contract.Parameter::type).collect(Collectors.joining(", ", "(", ")"));
    }

    private static Map<String, Method> bySignature(List<Method> methods) {
        return byName(methods, Method::signature);
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        Map<String, T> map = new LinkedHashMap<>();
        for (T item : items) {
            map.put(name.apply(item), item);
        }
        return map;
    }
}
