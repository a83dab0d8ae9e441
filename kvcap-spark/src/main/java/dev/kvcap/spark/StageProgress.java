package dev.kvcap.spark;

import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.StageInfo;

/** One progress line per Spark stage on stderr: when it starts (with its task count) and ends. */
final class StageProgress extends SparkListener {

    private final PrintStream err;
    private final String prefix;

    StageProgress(PrintStream err, String prefix) {
        this.err = err;
        this.prefix = prefix;
    }

    private static String tasks(StageInfo s) {
        return s.numTasks() + (s.numTasks() == 1 ? " task" : " tasks");
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        StageInfo s = event.stageInfo();
        err.println(prefix + "stage " + s.stageId() + " (" + s.name() + "): " + tasks(s) + " started");
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
        StageInfo s = event.stageInfo();
        long ms = s.completionTime().isDefined() && s.submissionTime().isDefined()
                ? (Long) s.completionTime().get() - (Long) s.submissionTime().get()
                : -1;
        String outcome = s.failureReason().isDefined() ? "failed: " + s.failureReason().get() : "done";
        err.println(prefix + "stage " + s.stageId() + " (" + s.name() + "): " + outcome + ", " + tasks(s) + " in "
                + (ms < 0 ? "?" : String.format(Locale.ROOT, "%.1f", ms / 1000.0)) + " s");
    }
}
