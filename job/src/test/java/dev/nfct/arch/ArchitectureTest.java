package dev.nfct.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.domain.properties.HasOwner;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import dev.nfct.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The build's structure rules, checked on the compiled classes of every module: the layers depend
 * downwards only (engine, capture, schemas, Flink job, commands), the engine is the JDK and our
 * code alone, no packages form a cycle, and tests are named for where they run ({@code *Test} unit
 * tests in {@code mvn test}, {@code *ITCase} with a broker or a MiniCluster in {@code mvn verify}).
 */
class ArchitectureTest {
    private static JavaClasses main;
    private static JavaClasses tests;

    @BeforeAll
    static void importClasses() throws Exception {
        List<Path> mainDirs = new ArrayList<>(), testDirs = new ArrayList<>();
        try (Stream<Path> modules = Files.list(SharedData.projectRoot())) {
            modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml")))
                    .sorted()
                    .forEach(m -> {
                        if (Files.isDirectory(m.resolve("target/classes"))) {
                            mainDirs.add(m.resolve("target/classes"));
                        }
                        if (Files.isDirectory(m.resolve("target/test-classes"))) {
                            testDirs.add(m.resolve("target/test-classes"));
                        }
                    });
        }
        main = new ClassFileImporter().importPaths(mainDirs);
        tests = new ClassFileImporter().importPaths(testDirs);
        // Every rule below would pass vacuously on a missing module.
        for (String p : List.of(
                "dev.nfct.core",
                "dev.nfct.packet",
                "dev.nfct.schema",
                "dev.nfct.avro",
                "dev.nfct.flink",
                "dev.nfct.cli",
                "dev.nfct.bench")) {
            assertThat(main.containPackage(p))
                    .as("classes of %s imported from %s", p, mainDirs)
                    .isTrue();
        }
        assertThat(tests.containPackage("dev.nfct.core"))
                .as("the engine's tests imported")
                .isTrue();
    }

    /** The modules' layers, each using only those below it (Maven's module graph says the same). */
    static final ArchRule LAYERS = Architectures.layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("Engine")
            .definedBy("dev.nfct.core..")
            .layer("Capture")
            .definedBy("dev.nfct.pcap..", "dev.nfct.packet..", "dev.nfct.replay..")
            .layer("Schemas")
            .definedBy("dev.nfct.avro..", "dev.nfct.schema..")
            .layer("Flink job")
            .definedBy("dev.nfct.flink..")
            .layer("Commands")
            .definedBy("dev.nfct.cli..", "dev.nfct.kafka..")
            .layer("Benchmarks")
            .definedBy("dev.nfct.bench..")
            .whereLayer("Commands")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("Benchmarks")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("Flink job")
            .mayOnlyBeAccessedByLayers("Commands")
            .whereLayer("Schemas")
            .mayOnlyBeAccessedByLayers("Flink job", "Commands")
            .whereLayer("Capture")
            .mayOnlyBeAccessedByLayers("Flink job", "Commands", "Benchmarks")
            .whereLayer("Engine")
            .mayOnlyBeAccessedByLayers("Capture", "Schemas", "Flink job", "Commands", "Benchmarks");

    /**
     * No two packages depend on each other, directly or around a loop: neither the top-level ones
     * nor any package within them (the engine and its trackers included).
     */
    static final ArchRule NO_PACKAGE_CYCLES =
            slices().matching("dev.nfct.(**)").should().beFreeOfCycles();

    /** The engine: the JDK and its own classes, nothing else. */
    static final ArchRule ENGINE_IS_PLAIN_JAVA = classes()
            .that()
            .resideInAPackage("dev.nfct.core..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("dev.nfct.core..", "java..")
            .allowEmptyShould(false);

    /** Capture reading is plain Java too: no Flink, Kafka or Avro. */
    static final ArchRule CAPTURE_IS_PLAIN_JAVA = noClasses()
            .that()
            .resideInAnyPackage("dev.nfct.pcap..", "dev.nfct.packet..", "dev.nfct.replay..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.apache..")
            .allowEmptyShould(false);

    /** The schemas and their mapping: Avro, no Flink or Kafka. */
    static final ArchRule SCHEMAS_HAVE_NO_FLINK_OR_KAFKA = noClasses()
            .that()
            .resideInAnyPackage("dev.nfct.avro..", "dev.nfct.schema..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.apache.flink..", "org.apache.kafka..")
            .allowEmptyShould(false);

    /**
     * A unit test starts nothing: no broker (tests get one from the extension), no MiniCluster, no
     * container, no job execution.
     */
    static final ArchRule UNIT_TESTS_START_NOTHING = noClasses()
            .that()
            .haveSimpleNameEndingWith("Test")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("dev.nfct.kafka.EmbeddedKafkaExtension")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("org.apache.flink.test.junit5.MiniClusterExtension")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("org.apache.flink.runtime.minicluster.MiniCluster")
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage("org.testcontainers..")
            .orShould()
            .callMethodWhere(JavaCall.Predicates.target(HasName.Predicates.nameMatching("execute(Async)?"))
                    .and(JavaCall.Predicates.target(HasOwner.Predicates.With.owner(
                            JavaClass.Predicates.assignableTo(StreamExecutionEnvironment.class)))))
            .allowEmptyShould(false);

    /** Every test method is in a class the build runs: {@code *Test} or {@code *ITCase}. */
    static final ArchRule TESTS_ARE_NAMED_FOR_THEIR_RUNNER = methods()
            .that()
            .areAnnotatedWith(org.junit.jupiter.api.Test.class)
            .or()
            .areAnnotatedWith(org.junit.jupiter.params.ParameterizedTest.class)
            .or()
            .areAnnotatedWith(org.junit.jupiter.api.TestFactory.class)
            .should()
            .beDeclaredInClassesThat()
            .haveSimpleNameEndingWith("Test")
            .orShould()
            .beDeclaredInClassesThat()
            .haveSimpleNameEndingWith("ITCase")
            // an abstract base runs through its subclasses, which are named as above
            .orShould()
            .beDeclaredInClassesThat()
            .haveModifier(JavaModifier.ABSTRACT)
            .allowEmptyShould(false);

    @Test
    void layersDependDownwardsOnly() {
        LAYERS.check(main);
    }

    @Test
    void noPackageCycles() {
        NO_PACKAGE_CYCLES.check(main);
    }

    @Test
    void theEngineImportsOnlyTheJdk() {
        ENGINE_IS_PLAIN_JAVA.check(main);
    }

    @Test
    void captureReadingIsPlainJava() {
        CAPTURE_IS_PLAIN_JAVA.check(main);
    }

    @Test
    void theSchemasModuleHasNoFlinkOrKafka() {
        SCHEMAS_HAVE_NO_FLINK_OR_KAFKA.check(main);
    }

    @Test
    void unitTestsStartNoBrokerClusterOrContainer() {
        UNIT_TESTS_START_NOTHING.check(tests);
    }

    @Test
    void testsAreNamedForTheirRunner() {
        TESTS_ARE_NAMED_FOR_THEIR_RUNNER.check(tests);
    }

    /** The cycle rule is not vacuous: two packages that use each other fail it. */
    @Test
    void aDeliberateCycleFailsTheCycleRule() {
        JavaClasses cycle = new ClassFileImporter().importPackages("dev.nfct.arch.cycle");
        assertThat(cycle.containPackage("dev.nfct.arch.cycle.a")).isTrue();
        assertThatThrownBy(() -> slices().matching("dev.nfct.arch.cycle.(*)..")
                        .should()
                        .beFreeOfCycles()
                        .check(cycle))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected");
    }

    /** The engine rule is not vacuous either: a class outside the JDK fails it. */
    @Test
    void anEngineClassUsingAnotherLibraryWouldFailTheRule() {
        JavaClasses fake = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importClasses(ArchitectureTest.class);
        assertThatThrownBy(() -> classes()
                        .that()
                        .resideInAPackage("dev.nfct.arch")
                        .should()
                        .onlyDependOnClassesThat()
                        .resideInAnyPackage("dev.nfct.arch..", "java..")
                        .check(fake))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("com.tngtech.archunit");
    }
}
