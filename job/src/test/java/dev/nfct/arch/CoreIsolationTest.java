package dev.nfct.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conntrack engine is plain Java: no Flink, no Kafka, no Avro, and nothing from the layers
 * built on top of it, so it can be tested and benchmarked alone and embedded anywhere.
 */
class CoreIsolationTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.nfct");
        // The rules below would pass vacuously on an empty import.
        assertThat(classes.containPackage("dev.nfct.core")).as("the core's classes were imported").isTrue();
    }

    @Test
    void coreHasNoFlinkKafkaOrAvroImports() {
        noClasses().that().resideInAPackage("dev.nfct.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.flink..", "org.apache.kafka..", "org.apache.avro..")
                .allowEmptyShould(false)
                .check(classes);
    }

    @Test
    void coreDoesNotDependOnTheLayersAboveIt() {
        noClasses().that().resideInAPackage("dev.nfct.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.nfct.packet..", "dev.nfct.pcap..", "dev.nfct.replay..", "dev.nfct.cli..",
                        "dev.nfct.flink..")
                .check(classes);
    }

    @Test
    void captureReadingHasNoFlinkOrKafkaImports() {
        noClasses().that().resideInAnyPackage("dev.nfct.packet..", "dev.nfct.pcap..", "dev.nfct.replay..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..", "org.apache.kafka..")
                .check(classes);
    }
}
