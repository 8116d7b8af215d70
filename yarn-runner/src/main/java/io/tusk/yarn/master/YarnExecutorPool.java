package io.tusk.yarn.master;

import io.tusk.yarn.ContainerResources;
import io.tusk.yarn.JavaCommand;
import io.tusk.yarn.YarnSettings;
import io.tusk.yarn.executor.ExecutorMain;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.UpdatedContainer;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Gets executors from YARN: asks the resource manager for containers near the data of waiting
 * attempts (naming their hosts, with locality relaxed to rack and then anywhere by YARN), starts an
 * executor in each container it is given, gives back containers it no longer needs, and tells the
 * backend when a container ends. Thread-safe.
 */
final class YarnExecutorPool
        extends AMRMClientAsync.AbstractCallbackHandler
        implements ExecutorPool
{
    private static final Logger LOG = LogManager.getLogger(YarnExecutorPool.class);
    /** Why the application cannot go on when the resource manager ends the master's attempt. */
    static final String SHUTDOWN_REQUESTED = "the resource manager asked the master to shut down";
    /** Requests for a named node, not to be placed elsewhere; YARN wants them apart from relaxed ones. */
    private static final Priority NODE_PRIORITY = Priority.newInstance(1);
    private static final Priority ANY_PRIORITY = Priority.newInstance(2);

    private final YarnBackend backend;
    private volatile Resource capability;
    private final int cores;
    private final int maxExecutors;
    private final int maxFailures;
    private final LaunchContexts launches;
    private final Consumer<String> fatal;
    private final long nodeWaitMillis;
    /** How long attempts may wait for an executor that is starting near their data. */
    private final long startWaitMillis;
    private final NMClientAsync nodeManagers;
    private AMRMClientAsync<ContainerRequest> resourceManager;

    // guarded by this
    private final List<Ask> outstanding = new ArrayList<>();
    private final Map<ContainerId, Container> containers = new LinkedHashMap<>();
    /** Containers whose executor has not registered yet, with when they were allocated. */
    private final Map<String, Long> starting = new HashMap<>();
    private int failures;
    private float progress;

    /** Makes the launch context of an executor's container. */
    interface LaunchContexts
    {
        ContainerLaunchContext executor(Container container);
    }

    /** A container asked for: on a node (strictly) or anywhere. */
    private record Ask(ContainerRequest request, String host, long since) {}

    /**
     * @param nodeWaitMillis how long a request for a node waits for that node before it is asked for anywhere
     * @param startWaitMillis how long attempts wait for an executor starting near their data
     */
    YarnExecutorPool(YarnBackend backend, Resource capability, int cores, int maxExecutors, int maxFailures, long nodeWaitMillis, long startWaitMillis,
            LaunchContexts launches, Consumer<String> fatal, NMClientAsync nodeManagers)
    {
        this.nodeWaitMillis = nodeWaitMillis;
        this.startWaitMillis = startWaitMillis;
        this.backend = requireNonNull(backend, "backend is null");
        this.capability = requireNonNull(capability, "capability is null");
        this.cores = cores;
        this.maxExecutors = maxExecutors;
        this.maxFailures = maxFailures;
        this.launches = requireNonNull(launches, "launches is null");
        this.fatal = requireNonNull(fatal, "fatal is null");
        this.nodeManagers = requireNonNull(nodeManagers, "nodeManagers is null");
    }

    void setResourceManager(AMRMClientAsync<ContainerRequest> resourceManager)
    {
        this.resourceManager = requireNonNull(resourceManager, "resourceManager is null");
    }

    synchronized void setProgress(float progress)
    {
        this.progress = progress;
    }

    @Override
    public void demand(List<List<String>> pending, int running)
    {
        AMRMClientAsync<ContainerRequest> client = resourceManager;
        if (client == null) {
            return;
        }
        synchronized (this) {
            long now = System.currentTimeMillis();
            // a node that did not give a container in time: ask for one anywhere
            for (int i = 0; i < outstanding.size(); i++) {
                Ask ask = outstanding.get(i);
                if (ask.host() != null && now - ask.since() >= nodeWaitMillis) {
                    client.removeContainerRequest(ask.request());
                    Ask anywhere = new Ask(new ContainerRequest(capability, null, null, ANY_PRIORITY, true), null, now);
                    client.addContainerRequest(anywhere.request());
                    outstanding.set(i, anywhere);
                    LOG.info("{} gave no executor in {} ms; asking for one anywhere", ask.host(), nodeWaitMillis);
                }
            }
            List<String> hosts = hostsByDemand(pending);
            // hosts that already have, or will have, an executor come last
            Map<String, Integer> covered = new HashMap<>();
            for (Container container : containers.values()) {
                covered.merge(container.getNodeId().getHost(), 1, Integer::sum);
            }
            for (Ask ask : outstanding) {
                if (ask.host() != null) {
                    covered.merge(ask.host(), 1, Integer::sum);
                }
            }
            hosts.sort(Comparator.comparingInt(host -> covered.getOrDefault(host, 0)));
            long uncovered = hosts.stream().filter(host -> !covered.containsKey(host)).count();
            int have = containers.size() + outstanding.size();
            // enough slots for the work, and an executor on every host where waiting attempts have their data
            int desired = (int) Math.min(maxExecutors, Math.max((pending.size() + running + cores - 1) / cores, have + uncovered));
            if (desired > have) {
                for (int i = 0; i < desired - have; i++) {
                    Ask ask = i < hosts.size() && covered.getOrDefault(hosts.get(i), 0) == 0
                            ? new Ask(new ContainerRequest(capability, new String[] {hosts.get(i)}, null, NODE_PRIORITY, false), hosts.get(i), now)
                            : new Ask(new ContainerRequest(capability, null, null, ANY_PRIORITY, true), null, now);
                    outstanding.add(ask);
                    client.addContainerRequest(ask.request());
                }
                LOG.info("Asking YARN for {} executors (near {}; have {}, {} attempts waiting)", desired - have, hosts, have, pending.size());
            }
            else if (desired < have && !outstanding.isEmpty() && pending.isEmpty()) {
                for (int i = Math.min(have - desired, outstanding.size()); i > 0; i--) {
                    client.removeContainerRequest(outstanding.remove(outstanding.size() - 1).request());
                }
            }
        }
    }

    /** Preferred hosts, those that most waiting attempts prefer first. */
    private static List<String> hostsByDemand(List<List<String>> pending)
    {
        Map<String, Integer> counts = new HashMap<>();
        for (List<String> hosts : pending) {
            for (String host : hosts) {
                counts.merge(host, 1, Integer::sum);
            }
        }
        List<String> hosts = new ArrayList<>(counts.keySet());
        hosts.sort((left, right) -> counts.get(right) - counts.get(left) != 0 ? counts.get(right) - counts.get(left) : left.compareTo(right));
        return hosts;
    }

    /** What one executor's container asks for. */
    Resource capability()
    {
        return capability;
    }

    /** Asks for containers no larger than the cluster's largest. */
    void limitTo(Resource maximum)
    {
        capability = Resource.newInstance(Math.min(capability.getMemorySize(), maximum.getMemorySize()),
                Math.min(capability.getVirtualCores(), maximum.getVirtualCores()));
    }

    /** The executor's container could not be started: forget it, so that another is asked for. */
    void startFailed(ContainerId container)
    {
        synchronized (this) {
            if (containers.remove(container) == null) {
                return;
            }
            starting.remove(container.toString());
            failures++;
            if (failures > maxFailures) {
                fatal.accept(failures + " executor containers failed; the last could not be started");
            }
        }
        resourceManager.releaseAssignedContainer(container);
    }

    @Override
    public synchronized boolean startingOn(String host)
    {
        long now = System.currentTimeMillis();
        for (Container container : containers.values()) {
            Long since = starting.get(container.getId().toString());
            if (since != null && now - since < startWaitMillis && container.getNodeId().getHost().equals(host)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized void registered(String executor)
    {
        starting.remove(executor);
    }

    @Override
    public void release(String executor)
    {
        synchronized (this) {
            containers.keySet().removeIf(id -> {
                if (id.toString().equals(executor)) {
                    resourceManager.releaseAssignedContainer(id);
                    return true;
                }
                return false;
            });
        }
    }

    @Override
    public void onContainersAllocated(List<Container> allocated)
    {
        List<Container> start = new ArrayList<>();
        synchronized (this) {
            for (Container container : allocated) {
                Ask ask = matching(container);
                if (ask == null || containers.size() >= maxExecutors) {
                    resourceManager.releaseAssignedContainer(container.getId());
                    continue;
                }
                outstanding.remove(ask);
                resourceManager.removeContainerRequest(ask.request());
                containers.put(container.getId(), container);
                starting.put(container.getId().toString(), System.currentTimeMillis());
                start.add(container);
            }
        }
        for (Container container : start) {
            LOG.info("Starting executor {} on {}", container.getId(), container.getNodeId().getHost());
            try {
                nodeManagers.startContainerAsync(container, launches.executor(container));
            }
            catch (RuntimeException e) {
                LOG.error("Cannot start executor {}", container.getId(), e);
                resourceManager.releaseAssignedContainer(container.getId());
            }
        }
    }

    /** The request a container answers: the one for its node if any, else one for anywhere. */
    private Ask matching(Container container)
    {
        String host = container.getNodeId().getHost();
        boolean strict = container.getPriority().equals(NODE_PRIORITY);
        for (Ask ask : outstanding) {
            if (strict ? host.equals(ask.host()) : ask.host() == null) {
                return ask;
            }
        }
        return null;
    }

    @Override
    public void onContainersCompleted(List<ContainerStatus> statuses)
    {
        for (ContainerStatus status : statuses) {
            boolean known;
            synchronized (this) {
                known = containers.remove(status.getContainerId()) != null;
                notifyAll();
                starting.remove(status.getContainerId().toString());
                if (known && countsAsFailure(status.getExitStatus())) {
                    failures++;
                }
            }
            LOG.info("Executor container {} ended: exit status {}, {}", status.getContainerId(), status.getExitStatus(), status.getDiagnostics().trim());
            backend.containerEnded(status.getContainerId().toString(), "exit status " + status.getExitStatus() + " " + status.getDiagnostics().trim());
            synchronized (this) {
                if (failures > maxFailures) {
                    fatal.accept(failures + " executor containers failed; the last: " + status.getDiagnostics().trim());
                }
            }
        }
    }

    @Override
    public void onContainersUpdated(List<UpdatedContainer> containers) {}

    @Override
    public void onShutdownRequest()
    {
        fatal.accept(SHUTDOWN_REQUESTED);
    }

    @Override
    public void onNodesUpdated(List<NodeReport> updatedNodes) {}

    @Override
    public synchronized float getProgress()
    {
        return progress;
    }

    @Override
    public void onError(Throwable e)
    {
        fatal.accept("the resource manager failed: " + e);
    }

    /**
     * Whether an executor container's end counts against {@code tusk.executor.maxfailures}: not when
     * it succeeded, when YARN took the container back (preemption, a lost node, the scheduler) or
     * its node's disks failed; an executor that crashed, could not start or outgrew its memory does.
     */
    static boolean countsAsFailure(int exitStatus)
    {
        return switch (exitStatus) {
            case ContainerExitStatus.SUCCESS, ContainerExitStatus.ABORTED, ContainerExitStatus.DISKS_FAILED, ContainerExitStatus.PREEMPTED,
                    ContainerExitStatus.KILLED_BY_APPMASTER, ContainerExitStatus.KILLED_BY_RESOURCEMANAGER, ContainerExitStatus.KILLED_AFTER_APP_COMPLETION,
                    ContainerExitStatus.KILLED_BY_CONTAINER_SCHEDULER -> false;
            default -> true;
        };
    }

    /**
     * Waits until every executor's container ended, at most {@code millis}: executors told to stop
     * end on their own (and may still be writing their class-data archive), before the end of the
     * application has YARN kill them.
     */
    synchronized void awaitContainersEnded(long millis)
            throws InterruptedException
    {
        long deadline = System.currentTimeMillis() + millis;
        for (long left = millis; !containers.isEmpty() && left > 0; left = deadline - System.currentTimeMillis()) {
            wait(left);
        }
    }

    /** Containers of executors started and not ended; for tests. */
    synchronized Collection<Container> containers()
    {
        return List.copyOf(containers.values());
    }

    /** The launch context of every executor of this application. */
    static ContainerLaunchContext executorContext(Container container, ContainerResources resources, Map<String, String> environment, int memoryMb,
            String javaOpts, int cores, Credentials credentials)
    {
        Map<String, String> env = new HashMap<>(environment);
        env.put(YarnSettings.ENV_JOB_CLASSPATH, resources.jobClasspath());
        List<String> command = JavaCommand.of(JavaCommand.Role.EXECUTOR, memoryMb, javaOpts, resources.classpath(), resources.launcher(), ExecutorMain.class.getName(), container.getId().toString(),
                Integer.toString(cores));
        ByteBuffer tokens;
        try {
            DataOutputBuffer out = new DataOutputBuffer();
            credentials.writeTokenStorageToStream(out);
            tokens = ByteBuffer.wrap(out.getData(), 0, out.getLength());
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ContainerLaunchContext.newInstance(resources.resources(), env, command, null, tokens, null);
    }
}
