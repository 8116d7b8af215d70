package io.tusk.yarn;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonConfigurationKeysPublic;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.server.datanode.DataNode;
import org.apache.hadoop.metrics2.lib.DefaultMetricsSystem;
import org.apache.hadoop.net.TableMapping;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.nodemanager.NodeManager;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.ResourceScheduler;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * HDFS and YARN in one JVM on three nodes, each with a host identity of its own: node {@code i} is
 * host {@link #HOSTS}[i] at loopback address {@link #ADDRESSES}[i] on rack {@link #RACKS}[i], with
 * one DataNode and one NodeManager, so that the node that holds a block and the node that runs a
 * container can be told apart. Names resolve through the hosts file named by
 * {@code -Djdk.net.hosts.file} (set in the failsafe argLine; this class writes the file), in
 * containers too (the NodeManagers add it to every container's {@code JAVA_TOOL_OPTIONS}).
 * Replication 1: a block lives on one node only.
 */
final class MultiHostCluster
        implements AutoCloseable
{
    static final String[] HOSTS = {"node-a", "node-b", "node-c"};
    static final String[] ADDRESSES = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};
    static final String[] RACKS = {"/rack-a", "/rack-a", "/rack-b"};
    static final int NODE_MEMORY_MB = 1536;
    static final int NODE_VCORES = 4;

    static {
        // several DataNodes and NodeManagers register metrics of the same names in this JVM
        DefaultMetricsSystem.setMiniClusterMode(true);
    }

    private final File base;
    private final java.nio.file.Path hostsFile;
    private final List<NodeManager> nodeManagers = new ArrayList<>();
    private MiniDFSCluster dfs;
    private MiniYARNCluster yarn;
    private Configuration conf;
    private boolean mapReduce;
    private org.apache.hadoop.mapreduce.v2.hs.JobHistoryServer jobHistory;

    MultiHostCluster(File base)
    {
        this.base = base.getAbsoluteFile();
        this.hostsFile = writeHostsFile();
    }

    /**
     * Lets Hadoop's MapReduce run on the cluster too ({@code mapreduce.framework.name=yarn}, one JVM
     * per task): the NodeManagers serve map output with MapReduce's shuffle service, a JobHistory
     * server answers clients once a job's master is gone, and containers take this JVM's class path.
     */
    MultiHostCluster withMapReduce()
    {
        this.mapReduce = true;
        return this;
    }

    /** Writes the hosts file this JVM resolves names from: localhost and this machine's name, then the nodes. */
    static synchronized java.nio.file.Path writeHostsFile()
    {
        String property = System.getProperty("jdk.net.hosts.file");
        if (property == null || property.isEmpty()) {
            throw new IllegalStateException("Start the test JVM with -Djdk.net.hosts.file=<file> (failsafe's argLine); it cannot be set at run time");
        }
        java.nio.file.Path file = java.nio.file.Path.of(property).toAbsolutePath();
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost");
        String machine = machineName();
        if (machine != null && !machine.equals("localhost")) {
            // the DataNodes' web servers look up this machine's own name
            hosts.append(' ').append(machine);
        }
        hosts.append('\n');
        for (int i = 0; i < HOSTS.length; i++) {
            hosts.append(ADDRESSES[i]).append(' ').append(HOSTS[i]).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            byte[] bytes = hosts.toString().getBytes(StandardCharsets.UTF_8);
            if (!Files.exists(file) || !java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
                java.nio.file.Path temporary = Files.createTempFile(file.getParent(), "hosts", ".tmp");
                Files.write(temporary, bytes);
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static String machineName()
    {
        try {
            java.nio.file.Path kernel = java.nio.file.Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String name = Files.readString(kernel).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            }
        }
        catch (IOException ignored) {
            // try the environment
        }
        return System.getenv("HOSTNAME");
    }

    MultiHostCluster start()
            throws Exception
    {
        if (!InetAddress.getByName(HOSTS[0]).getHostAddress().equals(ADDRESSES[0])) {
            throw new IllegalStateException("jdk.net.hosts.file is not in effect: " + HOSTS[0] + " is " + InetAddress.getByName(HOSTS[0]));
        }
        Files.createDirectories(base.toPath());
        System.setProperty("test.build.data", new File(base, "yarn-test").getPath());
        // the rack of each node, for the NameNode and the ResourceManager (both look up addresses)
        java.nio.file.Path topology = base.toPath().resolve("topology.table");
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < HOSTS.length; i++) {
            table.append(ADDRESSES[i]).append(' ').append(RACKS[i]).append('\n');
            table.append(HOSTS[i]).append(' ').append(RACKS[i]).append('\n');
        }
        Files.writeString(topology, table);

        YarnConfiguration c = new YarnConfiguration(new HdfsConfiguration());
        c.set(CommonConfigurationKeysPublic.NET_TOPOLOGY_NODE_SWITCH_MAPPING_IMPL_KEY, TableMapping.class.getName());
        c.set(CommonConfigurationKeysPublic.NET_TOPOLOGY_TABLE_MAPPING_FILE_KEY, topology.toString());
        c.setInt(DFSConfigKeys.DFS_REPLICATION_KEY, 1);
        c.setLong(DFSConfigKeys.DFS_NAMENODE_MIN_BLOCK_SIZE_KEY, 64 * 1024);
        c.setLong(DFSConfigKeys.DFS_BLOCK_SIZE_KEY, 1024 * 1024);
        c.setInt(DFSConfigKeys.DFS_NAMENODE_HANDLER_COUNT_KEY, 4);
        c.setInt(DFSConfigKeys.DFS_DATANODE_HANDLER_COUNT_KEY, 2);
        c.setClass(YarnConfiguration.RM_SCHEDULER, CapacityScheduler.class, ResourceScheduler.class);
        c.setBoolean(YarnConfiguration.RM_SCHEDULER_INCLUDE_PORT_IN_NODE_NAME, false);
        c.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 64);
        c.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, NODE_MEMORY_MB);
        c.setInt(YarnConfiguration.RM_NM_HEARTBEAT_INTERVAL_MS, 250);
        // a job may ask for three master attempts (a master stopped, then one killed)
        c.setInt(YarnConfiguration.RM_AM_MAX_ATTEMPTS, 3);
        c.setInt(YarnConfiguration.RM_CLIENT_THREAD_COUNT, 4);
        c.setInt(YarnConfiguration.RM_SCHEDULER_CLIENT_THREAD_COUNT, 4);
        c.setInt(YarnConfiguration.RM_RESOURCE_TRACKER_CLIENT_THREAD_COUNT, 4);
        c.setInt(YarnConfiguration.RM_ADMIN_CLIENT_THREAD_COUNT, 1);
        c.setInt(YarnConfiguration.RM_AMLAUNCHER_THREAD_COUNT, 4);
        // the capacity scheduler gives masters 10% of a queue unless told otherwise
        c.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 0.5f);
        // MiniYARNCluster's node attribute store would otherwise land in HDFS
        c.set(YarnConfiguration.FS_NODE_ATTRIBUTE_STORE_ROOT_DIR, new File(base, "rm-node-attributes").toURI().toString());
        c.setInt(YarnConfiguration.NM_PMEM_MB, NODE_MEMORY_MB);
        c.setInt(YarnConfiguration.NM_VCORES, NODE_VCORES);
        c.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        c.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        c.setBoolean(YarnConfiguration.NM_CONTAINER_MONITOR_ENABLED, false);
        c.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100.0f);
        c.setBoolean(YarnConfiguration.NM_DISK_UTILIZATION_THRESHOLD_ENABLED, false);
        c.setLong(YarnConfiguration.NM_MIN_PER_DISK_FREE_SPACE_MB, 0);
        c.setInt(YarnConfiguration.NM_CONTAINER_MGR_THREAD_COUNT, 4);
        c.setLong(YarnConfiguration.NM_PROCESS_KILL_WAIT_MS, 1000);
        c.setInt(YarnConfiguration.NM_LOCALIZER_CLIENT_THREAD_COUNT, 2);
        c.setInt(YarnConfiguration.NM_LOCALIZER_FETCH_THREAD_COUNT, 4);
        c.set(YarnConfiguration.NM_ADMIN_USER_ENV + ".JAVA_TOOL_OPTIONS", "-Djdk.net.hosts.file=" + hostsFile);
        c.set(YarnConfiguration.NM_ADMIN_USER_ENV + ".JAVA_HOME", System.getProperty("java.home"));
        if (mapReduce) {
            c.setStrings(YarnConfiguration.NM_AUX_SERVICES, "mapreduce_shuffle");
            c.set("yarn.nodemanager.aux-services.mapreduce_shuffle.class", "org.apache.hadoop.mapred.ShuffleHandler");
            c.setInt("mapreduce.shuffle.port", 0);
        }

        dfs = new MiniDFSCluster.Builder(c, new File(base, "dfs")).numDataNodes(0).useConfiguredTopologyMappingClass(true).build();
        // the builder set replication to the number of DataNodes it started
        c.setInt(DFSConfigKeys.DFS_REPLICATION_KEY, 1);
        for (int i = 0; i < HOSTS.length; i++) {
            Configuration dataNode = new HdfsConfiguration(c);
            dataNode.set(DFSConfigKeys.DFS_DATANODE_HOST_NAME_KEY, HOSTS[i]);
            dataNode.set(DFSConfigKeys.DFS_DATANODE_ADDRESS_KEY, ADDRESSES[i] + ":0");
            dataNode.set(DFSConfigKeys.DFS_DATANODE_HTTP_ADDRESS_KEY, ADDRESSES[i] + ":0");
            dataNode.set(DFSConfigKeys.DFS_DATANODE_IPC_ADDRESS_KEY, ADDRESSES[i] + ":0");
            dataNode.set("hadoop.rpc.socket.factory.class.DatanodeProtocolPB", BoundSocketFactory.class.getName());
            dataNode.set(BoundSocketFactory.BIND_ADDRESS, ADDRESSES[i]);
            dfs.startDataNodes(dataNode, 1, null, true, null, null, null, null, null, false, true, true, null, null, null);
        }
        dfs.waitActive();
        c.setInt(DFSConfigKeys.DFS_REPLICATION_KEY, 1);

        // the resource manager only; the node managers below each on its own host
        yarn = new MiniYARNCluster("tusk", 1, 0, 1, 1);
        yarn.init(c);
        yarn.start();
        Configuration withPorts = yarn.getConfig();
        for (int i = 0; i < HOSTS.length; i++) {
            nodeManagers.add(startNodeManager(withPorts, i));
        }
        waitFor(() -> yarn.getResourceManager().getResourceScheduler().getNumClusterNodes() == HOSTS.length, 60_000, "the node managers register");
        conf = new YarnConfiguration(withPorts);
        conf.setInt(DFSConfigKeys.DFS_REPLICATION_KEY, 1);
        // file systems cached so far carry the builder's replication of 0
        org.apache.hadoop.fs.FileSystem.closeAll();
        if (mapReduce) {
            startJobHistory();
        }
        return this;
    }

    private void startJobHistory()
            throws IOException
    {
        // MapReduce's containers take this JVM's class path (MRApps reads yarn.is.minicluster)
        conf.setBoolean(YarnConfiguration.IS_MINI_YARN_CLUSTER, true);
        conf.set("yarn.app.mapreduce.am.staging-dir", "/mr-staging");
        conf.setBoolean("mapreduce.jvm.add-opens-as-default", true);
        Configuration history = new Configuration(conf);
        history.set("mapreduce.jobhistory.address", "localhost:0");
        history.set("mapreduce.jobhistory.webapp.address", "localhost:0");
        history.set("mapreduce.jobhistory.admin.address", "localhost:0");
        org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.get(conf);
        fs.mkdirs(new Path(org.apache.hadoop.mapreduce.v2.jobhistory.JobHistoryUtils.getConfiguredHistoryServerDoneDirPrefix(history)));
        jobHistory = new org.apache.hadoop.mapreduce.v2.hs.JobHistoryServer();
        jobHistory.init(history);
        jobHistory.start();
        conf.set("mapreduce.jobhistory.address", jobHistory.getConfig().get("mapreduce.jobhistory.address"));
        conf.set("mapreduce.jobhistory.webapp.address", jobHistory.getConfig().get("mapreduce.jobhistory.webapp.address"));
    }

    private NodeManager startNodeManager(Configuration withPorts, int node)
            throws IOException
    {
        YarnConfiguration nodeConf = new YarnConfiguration(withPorts);
        nodeConf.set("yarn.nodemanager.hostname", HOSTS[node]);
        // no bind host: the servers bind the node's address and the node id is that address's name
        nodeConf.set(YarnConfiguration.NM_ADDRESS, HOSTS[node] + ":0");
        nodeConf.set(YarnConfiguration.NM_LOCALIZER_ADDRESS, HOSTS[node] + ":0");
        nodeConf.set(YarnConfiguration.NM_WEBAPP_ADDRESS, HOSTS[node] + ":0");
        File directory = new File(base, "nm-" + HOSTS[node] + "-" + System.nanoTime());
        File local = new File(directory, "local");
        File logs = new File(directory, "logs");
        Files.createDirectories(local.toPath());
        Files.createDirectories(logs.toPath());
        nodeConf.set(YarnConfiguration.NM_LOCAL_DIRS, local.getAbsolutePath());
        nodeConf.set(YarnConfiguration.NM_LOG_DIRS, logs.getAbsolutePath());
        NodeManager nodeManager = new NodeManager();
        nodeManager.init(nodeConf);
        nodeManager.start();
        return nodeManager;
    }

    /** Stops the node manager of node {@code node}, with its containers, as a failing machine would. */
    void stopNodeManager(int node)
    {
        nodeManagers.get(node).stop();
    }

    /** Containers running on the node managers now. */
    int runningContainers()
    {
        int running = 0;
        for (NodeManager nodeManager : nodeManagers) {
            if (nodeManager.getServiceState() == org.apache.hadoop.service.Service.STATE.STARTED) {
                running += nodeManager.getNMContext().getContainers().size();
            }
        }
        return running;
    }

    /** The client's configuration: the default file system, the resource manager, the topology. */
    Configuration conf()
    {
        return new YarnConfiguration(conf);
    }

    DistributedFileSystem fileSystem()
            throws IOException
    {
        return (DistributedFileSystem) org.apache.hadoop.fs.FileSystem.get(conf);
    }

    MiniYARNCluster yarn()
    {
        return yarn;
    }

    /** The files directly under {@code directory}, by name, with their bytes (as ISO-8859-1 text). */
    java.util.Map<String, String> files(Path directory)
            throws IOException
    {
        org.apache.hadoop.fs.FileSystem fs = fileSystem();
        java.util.Map<String, String> files = new java.util.TreeMap<>();
        for (org.apache.hadoop.fs.FileStatus status : fs.listStatus(directory)) {
            if (status.isFile()) {
                try (var in = fs.open(status.getPath())) {
                    files.put(status.getPath().getName(), new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                }
            }
        }
        return files;
    }

    /** Writes a file whose blocks all live on node {@code node}. */
    FSDataOutputStream createOn(Path path, int node, long blockSize)
            throws IOException
    {
        DataNode dataNode = null;
        for (DataNode candidate : dfs.getDataNodes()) {
            if (candidate.getDatanodeId().getHostName().equals(HOSTS[node])) {
                dataNode = candidate;
            }
        }
        if (dataNode == null) {
            throw new IllegalArgumentException("no DataNode on " + HOSTS[node]);
        }
        InetSocketAddress favored = new InetSocketAddress(ADDRESSES[node], dataNode.getXferPort());
        return fileSystem().create(path, FsPermission.getFileDefault(), true, 4096, (short) 1, blockSize, null, new InetSocketAddress[] {favored});
    }

    static void waitFor(BooleanSupplier condition, long timeoutMillis, String what)
            throws InterruptedException
    {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("Timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close()
    {
        // in parallel: each node manager waits for its applications' cleanup
        List<Thread> stoppers = new ArrayList<>();
        for (NodeManager nodeManager : nodeManagers) {
            Thread stopper = new Thread(() -> {
                try {
                    nodeManager.stop();
                }
                catch (RuntimeException ignored) {
                    // stopping what may have been stopped by a test
                }
            }, "stop-" + nodeManager.getName());
            stopper.start();
            stoppers.add(stopper);
        }
        for (Thread stopper : stoppers) {
            try {
                stopper.join(60_000);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (jobHistory != null) {
            jobHistory.stop();
        }
        if (yarn != null) {
            yarn.stop();
        }
        if (dfs != null) {
            dfs.shutdown();
        }
    }
}
