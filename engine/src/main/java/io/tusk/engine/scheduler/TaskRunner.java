package io.tusk.engine.scheduler;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;
import io.tusk.engine.plan.ShuffledNode;
import io.tusk.engine.shuffle.MapOutput;
import io.tusk.engine.task.AttemptProgress;
import io.tusk.engine.task.ExecutorEnv;
import io.tusk.engine.task.SpareCores;
import io.tusk.engine.task.TaskContext;
import io.tusk.engine.task.UserCodeException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one attempt inside an executor: deserializes the stage's task, computes the partition and
 * reports the outcome. Map output is registered with the shuffle service only when the attempt
 * succeeds; a failed attempt's buffers and spill files are released by the context's completion hooks.
 * <p>
 * An attempt {@linkplain TaskLaunch#alone() alone}, which its backend runs with every slot of the
 * executor ({@code AttemptSlots}), first asks the memory manager's spillable consumers (cached
 * blocks, kept map outputs) to give their memory back.
 */
public final class TaskRunner
{
    private static final Logger LOG = LogManager.getLogger(TaskRunner.class);

    private final ExecutorEnv env;

    public TaskRunner(ExecutorEnv env)
    {
        this.env = env;
    }

    /**
     * @param placement where this executor is, reported with the outcome
     * @param cancelled set when the attempt's job is cancelled; a cancelled attempt's output is never registered
     */
    public void run(TaskLaunch launch, TaskPlacement placement, TaskListener listener, AtomicBoolean cancelled)
    {
        run(launch, placement, listener, cancelled, new AttemptProgress());
    }

    /**
     * As {@link #run(TaskLaunch, TaskPlacement, TaskListener, AtomicBoolean)}; an attempt that
     * {@code progress} timed out fails with the timeout, whatever it did after.
     */
    public void run(TaskLaunch launch, TaskPlacement placement, TaskListener listener, AtomicBoolean cancelled, AttemptProgress progress)
    {
        // while it runs its core is not spare
        try (SpareCores.Running running = SpareCores.taskRunning()) {
            runCounted(launch, placement, listener, cancelled, progress);
        }
    }

    private void runCounted(TaskLaunch launch, TaskPlacement placement, TaskListener listener, AtomicBoolean cancelled, AttemptProgress progress)
    {
        byte[] result;
        TaskContext context = null;
        try {
            if (launch.alone()) {
                // its backend gave it every slot: the memory others keep goes too
                long freed = env.memoryManager().spillAll();
                if (freed > 0) {
                    LOG.info("Attempt {} runs alone; {} bytes of cached and kept data were spilled for it", launch.attemptId(), String.format("%,d", freed));
                }
            }
            context = new TaskContext(launch.attemptId(), env, launch.storageLevels(), launch.shuffleLocations(), cancelled, progress);
            // attached first: accumulators in the task register with the context as they are read
            context.attach();
            Task task = (Task) env.serde().deserialize(launch.taskBinary());
            int partition = launch.attemptId().partition();
            Object value = null;
            TaskMetrics metrics = TaskMetrics.NONE;
            if (task instanceof Task.ShuffleMapTask map) {
                MapOutput output = ShuffledNode.writeMapOutput(map.dependency(), map.parent(), partition, context);
                if (context.isCancelled()) {
                    output.delete();
                    throw new TuskException(ErrorCode.JOB_CANCELLED, "Attempt " + launch.attemptId() + " was cancelled");
                }
                metrics = new TaskMetrics(output.records(), output.memoryBytes(), output.spilledBytes());
                env.shuffleService().register(map.dependency().shuffleId(), partition, output);
            }
            else if (task instanceof Task.ResultTask resultTask) {
                value = resultTask.action().apply(partition, resultTask.node().iterator(partition, context), context);
            }
            result = env.serde().serialize(new TaskResult(value, context.accumulatorUpdates(), metrics));
        }
        catch (Throwable e) {
            if (context != null) {
                context.complete();
                context.detach();
            }
            if (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError) && !(e instanceof StackOverflowError)) {
                listener.failed(launch.attemptId(), placement, e);
                throw (Error) e;
            }
            Throwable cause = UserCodeException.unwrap(e);
            if (progress.timedOut() != null) {
                progress.timedOut().addSuppressed(cause);
                cause = progress.timedOut();
            }
            listener.failed(launch.attemptId(), placement, cause);
            return;
        }
        context.complete();
        context.detach();
        if (progress.timedOut() != null) {
            listener.failed(launch.attemptId(), placement, progress.timedOut());
            return;
        }
        listener.succeeded(launch.attemptId(), placement, result);
    }
}
