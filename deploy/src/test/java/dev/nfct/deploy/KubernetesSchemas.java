package dev.nfct.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JSON schemas of the custom resources k8s/ creates, read from the CRDs vendored in
 * deploy/schemas/ (their sources and checksums are in that directory's README), and a check of
 * built manifests against them.
 *
 * <p>Validation is as strict as {@code kubectl apply} (whose server-side field validation is
 * strict by default): a field a schema does not list is an error unless the schema preserves
 * unknown fields. Things no JSON schema says are checked here too: metadata names must be DNS
 * subdomains, and a resource whose kind has no vendored schema is an error rather than a pass.
 * CEL rules ({@code x-kubernetes-validations}) are not evaluated.
 */
final class KubernetesSchemas {
    static final Path DIR = dev.nfct.testing.SharedData.projectRoot().resolve("deploy/schemas");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** A row of the README's table: | `file` | project | tag | commit | path | licence | sha256 | */
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|.*\\|\\s*([0-9a-f]{64})\\s*\\|\\s*$");

    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** By "group/version Kind". */
    private final Map<String, Schema> schemas = new LinkedHashMap<>();

    KubernetesSchemas(Path dir) throws IOException {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(KubernetesSchemas::isYaml).sorted().toList()) {
                JsonNode crd = YAML.readTree(f.toFile());
                if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
                    throw new IOException(f + " is not a CustomResourceDefinition");
                }
                String group = crd.path("spec").path("group").asText();
                String kind = crd.path("spec").path("names").path("kind").asText();
                for (JsonNode v : crd.path("spec").path("versions")) {
                    if (!v.path("served").asBoolean()) {
                        continue;
                    }
                    JsonNode schema = v.path("schema").path("openAPIV3Schema");
                    if (!(schema instanceof ObjectNode o)) {
                        throw new IOException(f + ": version " + v.path("name") + " has no openAPIV3Schema");
                    }
                    declareTypeAndObjectMeta(o);
                    rejectUnknownFields(o);
                    schemas.put(group + "/" + v.path("name").asText() + " " + kind, registry.getSchema(o));
                }
            }
        }
    }

    /** The kinds these schemas cover, as "group/version Kind". */
    List<String> kinds() {
        return List.copyOf(schemas.keySet());
    }

    /** What is wrong with each resource of a multi-document manifest, one line per problem. */
    List<String> violations(String manifests) throws IOException {
        List<String> out = new ArrayList<>();
        try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(manifests)) {
            while (docs.hasNext()) {
                JsonNode r = docs.next();
                if (r == null || r.isNull() || r.isMissingNode()) {
                    continue;
                }
                String kind = r.path("kind").asText();
                String name = r.path("metadata").path("name").asText();
                String what = kind + " " + (name.isEmpty() ? "(no name)" : name);
                if (!DNS_SUBDOMAIN.matcher(name).matches() || name.length() > 253) {
                    out.add(what + ": metadata.name is not a DNS subdomain (lower case, digits, '-' and '.')");
                }
                Schema schema = schemas.get(r.path("apiVersion").asText() + " " + kind);
                if (schema == null) {
                    out.add(what + ": no schema in deploy/schemas for "
                            + r.path("apiVersion").asText() + " " + kind);
                    continue;
                }
                for (Error e : schema.validate(r)) {
                    out.add(what + ": " + e);
                }
            }
        }
        return out;
    }

    /**
     * The API server accepts apiVersion, kind and metadata on every resource whether or not a
     * CRD's schema lists them (most omit some); declared here so closing the root keeps them.
     */
    private static void declareTypeAndObjectMeta(ObjectNode root) {
        ObjectNode props = root.has("properties") ? (ObjectNode) root.get("properties") : root.putObject("properties");
        for (String f : new String[] {"apiVersion", "kind"}) {
            if (!props.has(f)) {
                props.putObject(f).put("type", "string");
            }
        }
        if (!props.has("metadata")) {
            props.putObject("metadata").put("type", "object");
        }
    }

    /**
     * Marks every object schema that lists its properties and neither allows nor preserves others
     * as closed, so that a misspelt field is reported where the API server would refuse it.
     * Walks only schema positions, so a property that happens to be named "properties" is safe.
     */
    private static void rejectUnknownFields(ObjectNode schema) {
        boolean preserves = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        JsonNode props = schema.get("properties");
        if (props instanceof ObjectNode p) {
            if (!preserves && !schema.has("additionalProperties")) {
                schema.set("additionalProperties", BooleanNode.FALSE);
            }
            p.properties().forEach(e -> closeIfSchema(e.getValue()));
        }
        closeIfSchema(schema.get("items"));
        closeIfSchema(schema.get("additionalProperties"));
        closeIfSchema(schema.get("not"));
        for (String list : new String[] {"allOf", "anyOf", "oneOf"}) {
            JsonNode l = schema.get(list);
            if (l != null) {
                l.forEach(KubernetesSchemas::closeIfSchema);
            }
        }
    }

    private static void closeIfSchema(JsonNode n) {
        if (n instanceof ObjectNode o) {
            rejectUnknownFields(o);
        }
    }

    private static boolean isYaml(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    /**
     * The vendored files against the README's table of where they came from: every schema file
     * is listed, every listed file exists, and each still has the checksum of its source.
     */
    static List<String> provenanceViolations(Path dir) throws Exception {
        Map<String, String> listed = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("README.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                listed.put(m.group(1), m.group(2));
            }
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(KubernetesSchemas::isYaml).sorted().toList()) {
                String n = f.getFileName().toString();
                if (!listed.containsKey(n)) {
                    out.add(n + ": not listed in README.md with its source");
                }
            }
        }
        for (var e : listed.entrySet()) {
            Path f = dir.resolve(e.getKey());
            if (!Files.isRegularFile(f)) {
                out.add(e.getKey() + ": listed in README.md but missing");
                continue;
            }
            String sum = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
            if (!sum.equals(e.getValue())) {
                out.add(e.getKey() + ": checksum " + sum + " is not its source's " + e.getValue());
            }
        }
        return out;
    }
}
