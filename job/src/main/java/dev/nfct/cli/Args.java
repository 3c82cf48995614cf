package dev.nfct.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/** Small {@code --name value} / {@code --flag} parser with clear errors for the command line. */
final class Args {
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    /**
     * @param withValue options that take a value
     * @param flags     options that take none
     * @throws IllegalArgumentException for an unknown option or a missing value
     */
    Args(String[] args, Set<String> withValue, Set<String> flags) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (withValue.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    value = args[++i];
                }
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else if (flags.contains(name) && value == null) {
                values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else {
                throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
    }

    String get(String name, String dflt) {
        List<String> v = values.get(name);
        return v == null ? dflt : v.get(v.size() - 1);
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /**
     * Splits every value of a repeatable {@code KEY=VALUE} option at its first '=' and hands key and
     * value to {@code action}, in the order given.
     *
     * @param form how the usage error names the expected shape, e.g. {@code KEY=VALUE}
     * @throws IllegalArgumentException {@code "OPTION needs FORM, not 'VALUE'"} for a value without
     *                                  '=' or with nothing before it
     */
    void forEachKeyValue(String name, String form, BiConsumer<String, String> action) {
        for (String kv : all(name)) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(name + " needs " + form + ", not '" + kv + "'");
            }
            action.accept(kv.substring(0, eq), kv.substring(eq + 1));
        }
    }
}
