package dev.nfct.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Says, at the end of a module's test run, which tests were skipped and why (a missing
 * {@code ../shared}, no Docker engine...): Maven's summary only counts them. Registered for every
 * module through this test-jar's service file.
 */
public final class SkipReporter implements TestExecutionListener {
    private final List<String> skipped = new ArrayList<>();

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        skipped.add(test.getDisplayName() + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            skipped.add(test.getDisplayName() + ": "
                    + result.getThrowable().map(Throwable::getMessage).orElse("assumption not met"));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        for (String s : skipped) {
            System.out.println("[skipped] " + s);
        }
        skipped.clear();
    }
}
