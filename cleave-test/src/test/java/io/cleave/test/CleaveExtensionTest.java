package io.cleave.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.cleave.App;
import io.cleave.StartupException;
import io.cleave.test.app.LibraryImpl;
import io.cleave.test.samples.BrokenConfigScenarios;
import io.cleave.test.samples.FailingScenarios;
import io.cleave.test.samples.LibraryScenarios;
import io.cleave.test.samples.SharedScenarios;
import io.cleave.test.samples.NestedScenarios;
import io.cleave.test.samples.SerializedOnlyScenarios;
import io.cleave.test.samples.SettingsScenarios;
import io.cleave.test.samples.UnknownTopologyScenarios;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.opentest4j.AssertionFailedError;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

class CleaveExtensionTest {

    @BeforeEach
    void resetCounters() {
        LibraryImpl.CONSTRUCTED.set(0);
        LibraryImpl.STOPPED.set(0);
        LibraryScenarios.APPS.clear();
        SharedScenarios.APPS.clear();
    }

    private static EngineExecutionResults run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
    }

    @Test
    void runsEveryTestOncePerTopologyAndAllPass() {
        Events tests = run(LibraryScenarios.class).testEvents();

        tests.assertStatistics(s -> s.started(8).succeeded(8).failed(0));
    }

    @Test
    void namesEachRunAfterItsTopology() {
        Events tests = run(LibraryScenarios.class).testEvents();

        List<String> names = tests.finished().stream().map(Event::getTestDescriptor).map(d -> d.getDisplayName()).toList();
        assertThat(names).hasSize(8).containsOnly("[single]", "[single-serialized]");
        assertThat(names).filteredOn("[single]"::equals).hasSize(4);
    }

    @Test
    void aFailedAssertionNamesItsTopologyAndKeepsExpectedAndActual() {
        Events tests = run(FailingScenarios.class).testEvents();

        List<Throwable> failures = tests.failed().stream()
                .filter(e -> e.getTestDescriptor().getUniqueId().toString().contains("assertsItRunsInSingle"))
                .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow())
                .toList();
        assertThat(failures).hasSize(1);
        Throwable failure = failures.get(0);
        assertThat(failure).isInstanceOf(AssertionFailedError.class).hasMessageStartingWith("[single-serialized] ")
                .hasMessageContaining("expected: \"single\"");
        AssertionFailedError diff = (AssertionFailedError) failure;
        // AssertJ passes its representations of the values, quoted
        assertThat(diff.getExpected().getValue()).isEqualTo("\"single\"");
        assertThat(diff.getActual().getValue()).isEqualTo("\"single-serialized\"");
        assertThat(failure.getStackTrace()[0].getClassName()).as("where the assertion failed")
                .doesNotStartWith("io.cleave.test.CleaveExtension");
    }

    @Test
    void anExceptionThatIsNoAssertionIsLeftAsItIs() {
        Events tests = run(FailingScenarios.class).testEvents();

        tests.assertThatEvents().haveExactly(1, event(test("throwsOutsideSingle"), finishedWithFailure(
                instanceOf(IllegalStateException.class), message("not an assertion"))));
    }

    @Test
    void startsTheApplicationOncePerTopologyAndStopsItWhenTheClassIsDone() {
        run(LibraryScenarios.class);

        assertThat(LibraryImpl.CONSTRUCTED).hasValue(2);
        assertThat(LibraryImpl.STOPPED).hasValue(2);
        App single = LibraryScenarios.APPS.get("single").get(0);
        App serialized = LibraryScenarios.APPS.get("single-serialized").get(0);
        assertThat(single).isNotSameAs(serialized);
    }

    @Test
    void sharedClassesWithEqualAnnotationsShareOneApplicationStoppedWhenTheRunEnds() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(
                selectClass(SharedScenarios.First.class), selectClass(SharedScenarios.Second.class),
                selectClass(SharedScenarios.Other.class)).execute();

        results.testEvents().assertStatistics(s -> s.started(3).succeeded(3).failed(0));
        App first = SharedScenarios.APPS.get("First/single").get(0);
        assertThat(SharedScenarios.APPS.get("Second/single")).singleElement().isSameAs(first);
        assertThat(SharedScenarios.APPS.get("Other/single")).singleElement().isNotSameAs(first);
        assertThat(LibraryImpl.CONSTRUCTED).as("one for First and Second, one for Other").hasValue(2);
        assertThat(LibraryImpl.STOPPED).as("both stopped when the run ended").hasValue(2);
    }

    @Test
    void sharesOneApplicationAmongTheTestsOfATopology() {
        run(LibraryScenarios.class);

        List<App> single = LibraryScenarios.APPS.get("single");
        assertThat(single).hasSize(4);
        assertThat(single).allSatisfy(app -> assertThat(app).isSameAs(single.get(0)));
    }

    @Test
    void computedSettingsApplyPerTopologyWithAFreshDataDirectoryEach() {
        SettingsScenarios.TOPOLOGIES.clear();
        SettingsScenarios.DATA_DIRECTORIES.clear();
        SettingsScenarios.CLEANED_UP.clear();

        Events tests = run(SettingsScenarios.class).testEvents();

        tests.assertStatistics(s -> s.started(4).succeeded(4));
        assertThat(SettingsScenarios.TOPOLOGIES).containsExactlyInAnyOrder("single", "single-serialized");
        assertThat(SettingsScenarios.DATA_DIRECTORIES).doesNotHaveDuplicates()
                .allSatisfy(d -> assertThat(java.nio.file.Files.exists(d)).as("deleted after the class").isFalse());
        assertThat(SettingsScenarios.CLEANED_UP).containsExactlyInAnyOrder("single", "single-serialized");
    }

    @Test
    void classMayRestrictItsTopologies() {
        Events tests = run(SerializedOnlyScenarios.class).testEvents();

        tests.assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(tests.finished().stream().map(e -> e.getTestDescriptor().getDisplayName()))
                .containsExactly("[single-serialized]");
    }

    @Test
    void nestedClassWithItsOwnAnnotationGetsItsOwnApplication() {
        run(NestedScenarios.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    }

    @Test
    void unknownTopologyFailsNamingTheAvailableOnes() {
        Events containers = run(UnknownTopologyScenarios.class).containerEvents();

        containers.assertThatEvents().haveExactly(1, event(container(), finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class),
                message("@CleaveTest(topologies): there is no topology named \"multy\"; available: single, single-serialized"))));
    }

    @Test
    void startupFailureFailsEveryTestWithTheConfigurationProblem() {
        Events tests = run(BrokenConfigScenarios.class).testEvents();

        tests.assertStatistics(s -> s.started(4).failed(4));
        tests.assertThatEvents().haveExactly(4, event(test(), finishedWithFailure(instanceOf(StartupException.class),
                message(m -> m.startsWith("the application did not start in topology single")
                        && m.endsWith("broken.toml: [Library] is missing key \"name\" (String)")))));
        assertThat(LibraryImpl.CONSTRUCTED).hasValue(0);
    }
}
