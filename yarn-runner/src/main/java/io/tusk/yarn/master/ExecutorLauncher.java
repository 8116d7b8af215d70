package io.tusk.yarn.master;

import io.tusk.yarn.ContainerResources;
import io.tusk.yarn.YarnSettings;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.yarn.api.protocolrecords.RegisterApplicationMasterResponse;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The executors of one application master (in its own container, or the driver of a dataset
 * program registered as an unmanaged master): sizes them from the configuration, registers the
 * master with the resource manager, asks YARN for containers as the backend needs them and starts an
 * executor in each, and unregisters the master at the end.
 */
public final class ExecutorLauncher
{
    private static final Logger LOG = LogManager.getLogger(ExecutorLauncher.class);

    private final YarnBackend backend;
    private final NMClientAsync nodeManagers;
    private final YarnExecutorPool pool;
    private final AMRMClientAsync<ContainerRequest> resourceManager;
    private final int cores;
    private final int executorMb;

    /**
     * Starts the clients of the resource manager and the node managers; call {@link #register} next.
     *
     * @param environment the executors' environment (at least {@link YarnSettings#ENV_MASTER_ADDRESS})
     * @param credentials the executors' tokens and the application's secret
     * @param fatal told why the application cannot go on (executors keep failing to start)
     */
    public ExecutorLauncher(Configuration conf, YarnBackend backend, ContainerResources resources, Map<String, String> environment, Credentials credentials,
            Consumer<String> fatal)
    {
        this.backend = requireNonNull(backend, "backend is null");
        this.cores = Math.max(1, conf.getInt(YarnSettings.EXECUTOR_CORES, 2));
        int taskMb = Math.max(taskMemory(conf, "mapreduce.map.memory.mb"), taskMemory(conf, "mapreduce.reduce.memory.mb"));
        this.executorMb = conf.getInt(YarnSettings.EXECUTOR_MEMORY_MB, taskMb * cores);
        int taskVcores = Math.max(1, Math.max(conf.getInt("mapreduce.map.cpu.vcores", 1), conf.getInt("mapreduce.reduce.cpu.vcores", 1)));
        String javaOpts = (conf.get("mapreduce.map.java.opts", "") + " " + conf.get(YarnSettings.EXECUTOR_JAVA_OPTS, "")).trim();

        NodeManagerEvents events = new NodeManagerEvents(backend);
        this.nodeManagers = NMClientAsync.createNMClientAsync(events);
        nodeManagers.init(conf);
        nodeManagers.start();
        this.pool = new YarnExecutorPool(backend, Resource.newInstance(executorMb, cores * taskVcores), cores, conf.getInt(YarnSettings.MAX_EXECUTORS, 64),
                conf.getInt(YarnSettings.MAX_EXECUTOR_FAILURES, 8), conf.getLong(YarnSettings.NODE_WAIT, 5000),
                conf.getLong(YarnSettings.EXECUTOR_START_WAIT, 30_000),
                container -> YarnExecutorPool.executorContext(container, resources, environment, executorMb, javaOpts, cores, credentials), fatal, nodeManagers);
        events.setPool(pool);
        this.resourceManager = AMRMClientAsync.createAMRMClientAsync(250, pool);
        resourceManager.init(conf);
        resourceManager.start();
        pool.setResourceManager(resourceManager);
    }

    /** Registers the master with the resource manager and lets the backend ask for executors. */
    public void register(String host, int rpcPort, String trackingUrl)
            throws IOException
    {
        RegisterApplicationMasterResponse registration;
        try {
            registration = resourceManager.registerApplicationMaster(host, rpcPort, trackingUrl);
        }
        catch (YarnException e) {
            throw new IOException("The resource manager refused the application master: " + e.getMessage(), e);
        }
        Resource maximum = registration.getMaximumResourceCapability();
        Resource wanted = pool.capability();
        if (wanted.getMemorySize() > maximum.getMemorySize() || wanted.getVirtualCores() > maximum.getVirtualCores()) {
            LOG.warn("Executors of {} MB and {} vcores exceed the cluster's largest container ({} MB, {} vcores); asking for at most that",
                    wanted.getMemorySize(), wanted.getVirtualCores(), maximum.getMemorySize(), maximum.getVirtualCores());
            pool.limitTo(maximum);
        }
        backend.setPool(pool);
    }

    /**
     * Asks for the executors that attempts preferring {@code hosts} (one list per attempt) will need,
     * before the scheduler has them waiting.
     */
    public void prestart(List<List<String>> hosts)
    {
        if (!hosts.isEmpty()) {
            pool.demand(hosts, 0);
        }
    }

    public int cores()
    {
        return cores;
    }

    public int executorMb()
    {
        return executorMb;
    }

    /** The progress the resource manager shows, 0 to 1. */
    public void setProgress(float progress)
    {
        pool.setProgress(progress);
    }

    /** Waits until the executors, told to stop, have ended, at most {@code millis}. */
    public void awaitExecutorsEnded(long millis)
            throws InterruptedException
    {
        pool.awaitContainersEnded(millis);
    }

    /** Unregisters the master (the application ends with {@code outcome}) and stops the clients. */
    public void unregister(FinalApplicationStatus outcome, String diagnostics, String trackingUrl)
    {
        try {
            resourceManager.unregisterApplicationMaster(outcome, diagnostics == null ? "" : diagnostics, trackingUrl);
        }
        catch (YarnException | IOException e) {
            LOG.warn("Cannot unregister the application master: {}", e.toString());
        }
        resourceManager.stop();
        nodeManagers.stop();
    }

    /** A task's memory as MapReduce sizes its container: the setting, else 1024 MB. */
    private static int taskMemory(Configuration conf, String key)
    {
        int mb = conf.getInt(key, -1);
        return mb > 0 ? mb : 1024;
    }

    /** Reports executors whose containers could not be started. */
    private static final class NodeManagerEvents
            extends NMClientAsync.AbstractCallbackHandler
    {
        private final YarnBackend backend;
        private volatile YarnExecutorPool pool;

        NodeManagerEvents(YarnBackend backend)
        {
            this.backend = backend;
        }

        void setPool(YarnExecutorPool pool)
        {
            this.pool = pool;
        }

        @Override
        public void onContainerStarted(ContainerId containerId, Map<String, java.nio.ByteBuffer> allServiceResponse) {}

        @Override
        public void onContainerStatusReceived(ContainerId containerId, ContainerStatus containerStatus) {}

        @Override
        public void onContainerStopped(ContainerId containerId) {}

        @Override
        public void onStartContainerError(ContainerId containerId, Throwable t)
        {
            LOG.error("Cannot start executor container {}", containerId, t);
            backend.containerEnded(containerId.toString(), "cannot start: " + t);
            pool.startFailed(containerId);
        }

        @Override
        public void onContainerResourceIncreased(ContainerId containerId, Resource resource) {}

        @Override
        public void onContainerResourceUpdated(ContainerId containerId, Resource resource) {}

        @Override
        public void onGetContainerStatusError(ContainerId containerId, Throwable t) {}

        @Override
        public void onIncreaseContainerResourceError(ContainerId containerId, Throwable t) {}

        @Override
        public void onUpdateContainerResourceError(ContainerId containerId, Throwable t) {}

        @Override
        public void onStopContainerError(ContainerId containerId, Throwable t) {}
    }
}
