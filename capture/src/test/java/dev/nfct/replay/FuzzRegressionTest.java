package dev.nfct.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Minimal captures where the differential fuzzer (conformance/fuzz) once found the engine
 * disagreeing with kernel 6.18, each with what the kernel did with it: {@code NAME.events}
 * (normalised events), {@code NAME.trace} (per-frame ctinfo, first three fields compared) and
 * {@code NAME.table} (final table), all in {@code src/test/resources/conformance/regressions/}.
 * Every capture is replayed at top speed with the replay defaults and must agree exactly: events
 * flow by flow and in order, every frame's ctinfo, and the table.
 */
class FuzzRegressionTest {
    private static final String DIR = "/conformance/regressions";

    @TestFactory
    Stream<DynamicTest> everyFuzzFindingAgreesWithTheKernel() throws IOException, URISyntaxException {
        URL url = FuzzRegressionTest.class.getResource(DIR);
        assertThat(url).as("test resource %s", DIR).isNotNull();
        Path dir = Path.of(url.toURI());
        List<Path> captures;
        try (Stream<Path> s = Files.list(dir)) {
            captures = s.filter(p -> p.getFileName().toString().endsWith(".pcap"))
                    .sorted()
                    .toList();
        }
        assertThat(captures).as("regression captures in %s", dir).isNotEmpty();
        return captures.stream().map(p -> DynamicTest.dynamicTest(base(p), () -> check(p)));
    }

    private static void check(Path pcap) throws IOException {
        KernelReference kernel = KernelReference.beside(pcap);
        String name = kernel.name();
        List<String> kernelEvents = kernel.events();
        List<String> kernelTrace = kernel.traceKeys();
        List<String> kernelTable = kernel.sortedTable();

        OracleReplay.Result r = OracleReplay.replay(pcap, kernel.sysctls());
        List<String> events = r.events(), ctinfo = r.ctinfo(), table = r.table();

        Map<String, List<String>> ours = OracleReplay.byFlow(events), theirs = OracleReplay.byFlow(kernelEvents);
        assertThat(ours.keySet())
                .as("flows with events in %s", name)
                .containsExactlyInAnyOrderElementsOf(theirs.keySet());
        for (Map.Entry<String, List<String>> e : theirs.entrySet()) {
            assertThat(ours.get(e.getKey()))
                    .as("events of flow %s in %s", e.getKey(), name)
                    .containsExactlyElementsOf(e.getValue());
        }
        assertThat(ctinfo).as("per-frame ctinfo of %s", name).containsExactlyElementsOf(kernelTrace);
        assertThat(table).as("final table of %s", name).containsExactlyElementsOf(kernelTable);
    }

    private static String base(Path p) {
        String f = p.getFileName().toString();
        return f.substring(0, f.lastIndexOf('.'));
    }
}
