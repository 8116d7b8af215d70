package io.tusk.yarn.master;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;
import io.tusk.engine.scheduler.Backend;
import io.tusk.engine.scheduler.ExecutorLostException;
import io.tusk.engine.scheduler.LocalityScheduler;
import io.tusk.engine.scheduler.Locality;
import io.tusk.engine.scheduler.TaskLaunch;
import io.tusk.engine.scheduler.TaskListener;
import io.tusk.engine.scheduler.TaskPlacement;
import io.tusk.engine.task.TaskAttemptId;
import io.tusk.yarn.net.AppSecret;
import io.tusk.yarn.net.ControlProtocol;
import io.tusk.yarn.net.Failures;
import io.tusk.yarn.net.Handshake;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Runs attempts on executors that connect to the master's control channel (YARN containers, or any
 * process that holds the application's secret). Attempts wait in a {@link LocalityScheduler} for a
 * free slot near their data; the {@link ExecutorPool} is told how much work waits, and where, so
 * that it can ask for executors there. An executor whose connection breaks, that stops sending
 * heartbeats, or whose container ends, is lost: its running attempts are reported failed with an
 * {@link ExecutorLostException} and the scheduler hears of it, since its map outputs are gone.
 * Thread-safe; one thread places attempts.
 */
public final class YarnBackend
        implements Backend
{
    private static final Logger LOG = LogManager.getLogger(YarnBackend.class);
    private static final long HEARTBEAT_TIMEOUT_MILLIS = 60_000;
    private static final long SHUTDOWN_SEND_MILLIS = 2_000;
    private static final long END_WRITE_WAIT_MILLIS = 10_000;

    private final AppSecret secret;
    private final ServerSocket server;
    private final LocalityScheduler<TaskListener> scheduler;
    private final LongSupplier clock;
    private final long idleTimeoutMillis;
    private final Supplier<ClassLoader> failureClasses;
    private final long cancelGraceMillis;
    private final List<Consumer<String>> lostListeners = new CopyOnWriteArrayList<>();
    private final SharedState shared = new SharedState();
    private volatile ExecutorPool pool;
    private final Thread placer;
    private final Thread acceptor;

    // guarded by this
    private final Map<String, Connection> executors = new LinkedHashMap<>();
    private final Map<TaskAttemptId, Launched> launched = new HashMap<>();
    /** Writes whose end the executors are asked to report, by request id. */
    private final Map<Integer, EndingWrite> endingWrites = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger nextWriteRequest = new java.util.concurrent.atomic.AtomicInteger();
    private long idleSince;
    private volatile boolean closed;
    private volatile String aborted;

    private record Launched(TaskLaunch launch, TaskListener listener, Connection executor, Locality locality) {}

    /**
     * @param address where executors connect: the master's own host, never the wildcard
     * @param rackOf the rack of a host, or null if the topology does not know it
     * @param localityWaitMillis see {@link LocalityScheduler}
     * @param idleTimeoutMillis how long executors are kept while the application has no work at all
     * @param cancelGraceMillis how long attempts of a cancelled job may take to stop before they are given up
     * @param failureClasses loads the job's exception classes when attempts fail
     */
    public YarnBackend(AppSecret secret, InetAddress address, Function<String, String> rackOf, long localityWaitMillis, long idleTimeoutMillis,
            long cancelGraceMillis, Supplier<ClassLoader> failureClasses)
            throws IOException
    {
        this.cancelGraceMillis = cancelGraceMillis;
        this.secret = requireNonNull(secret, "secret is null");
        this.scheduler = new LocalityScheduler<>(rackOf, localityWaitMillis);
        this.clock = System::currentTimeMillis;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.failureClasses = requireNonNull(failureClasses, "failureClasses is null");
        this.idleSince = clock.getAsLong();
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(address, 0), 128);
        this.acceptor = new Thread(this::acceptLoop, "tusk-control-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        this.placer = new Thread(this::placeLoop, "tusk-task-placer");
        placer.setDaemon(true);
        placer.start();
    }

    /** The rack of a host as the cluster's topology script or table says; null when it does not know. */
    public static Function<String, String> rackResolver()
    {
        return host -> {
            String rack = org.apache.hadoop.yarn.util.RackResolver.resolve(host).getNetworkLocation();
            return rack == null || rack.equals(org.apache.hadoop.net.NetworkTopology.DEFAULT_RACK) ? null : rack;
        };
    }

    /** The pool to ask for executors; set once, before work arrives. */
    public void setPool(ExecutorPool pool)
    {
        this.pool = requireNonNull(pool, "pool is null");
        synchronized (this) {
            notifyAll();
        }
    }

    /** The control channel's address, for executors' environment. */
    public InetSocketAddress address()
    {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public synchronized int parallelism()
    {
        int cores = 0;
        for (Connection executor : executors.values()) {
            cores += executor.cores;
        }
        return Math.max(1, cores);
    }

    public synchronized int executorCount()
    {
        return executors.size();
    }

    @Override
    public void launch(TaskLaunch launch, TaskListener listener)
    {
        synchronized (this) {
            if (closed) {
                listener.failed(launch.attemptId(), null, new TuskException(ErrorCode.CONTEXT_CLOSED, "The master is stopping"));
                return;
            }
            if (aborted != null) {
                listener.failed(launch.attemptId(), null, new TuskException(ErrorCode.CLUSTER_UNAVAILABLE, "Attempts cannot run on this cluster: " + aborted));
                return;
            }
            scheduler.add(launch, listener, clock.getAsLong());
            notifyAll();
        }
    }

    @Override
    public void cancel(int job)
    {
        List<TaskListener> notLaunched = new ArrayList<>();
        List<TaskLaunch> removed = new ArrayList<>();
        List<Connection> targets = new ArrayList<>();
        synchronized (this) {
            for (LocalityScheduler.Assignment<TaskListener> pending : scheduler.remove(launch -> launch.attemptId().job() == job)) {
                notLaunched.add(pending.attachment());
                removed.add(pending.launch());
            }
            for (Launched attempt : launched.values()) {
                if (attempt.launch().attemptId().job() == job && !targets.contains(attempt.executor())) {
                    targets.add(attempt.executor());
                }
            }
        }
        for (int i = 0; i < removed.size(); i++) {
            notLaunched.get(i).failed(removed.get(i).attemptId(), null, new TuskException(ErrorCode.JOB_CANCELLED, "Attempt " + removed.get(i).attemptId() + " was cancelled before it started"));
        }
        for (Connection executor : targets) {
            executor.send(out -> {
                out.writeByte(ControlProtocol.CANCEL_JOB);
                out.writeInt(job);
            });
        }
        // attempts that ignore the interrupt are given up after a grace period, as in local mode:
        // the job ends without them, and their executors (which may still write) are stopped
        CompletableFuture.delayedExecutor(cancelGraceMillis, TimeUnit.MILLISECONDS).execute(() -> abandon(job));
    }

    private void abandon(int job)
    {
        List<Launched> stuck = new ArrayList<>();
        synchronized (this) {
            launched.values().removeIf(attempt -> {
                if (attempt.launch().attemptId().job() == job) {
                    stuck.add(attempt);
                    attempt.executor().running--;
                    return true;
                }
                return false;
            });
        }
        for (Launched attempt : stuck) {
            LOG.warn("Attempt {} on {} did not stop within {} ms of its job's cancellation; stopping its executor", attempt.launch().attemptId(),
                    attempt.executor().location, cancelGraceMillis);
            attempt.listener().failed(attempt.launch().attemptId(), placement(attempt),
                    new TuskException(ErrorCode.JOB_CANCELLED, "Attempt " + attempt.launch().attemptId() + " was cancelled"));
            lost(attempt.executor(), "an attempt of a cancelled job did not stop");
        }
    }

    @Override
    public java.util.Optional<String> failure()
    {
        return java.util.Optional.ofNullable(aborted);
    }

    /**
     * No executor can come any more ({@code reason}): attempts that wait for one, and later ones,
     * fail at once, so that their jobs end instead of waiting for ever.
     */
    public void abort(String reason)
    {
        List<LocalityScheduler.Assignment<TaskListener>> waiting;
        synchronized (this) {
            aborted = requireNonNull(reason, "reason is null");
            waiting = scheduler.remove(launch -> true);
        }
        for (LocalityScheduler.Assignment<TaskListener> attempt : waiting) {
            attempt.attachment().failed(attempt.launch().attemptId(), null,
                    new TuskException(ErrorCode.CLUSTER_UNAVAILABLE, "Attempts cannot run on this cluster: " + reason));
        }
    }

    @Override
    public void unpersist(int datasetId)
    {
        List<Connection> all;
        synchronized (this) {
            all = new ArrayList<>(executors.values());
        }
        for (Connection executor : all) {
            executor.send(out -> {
                out.writeByte(ControlProtocol.UNPERSIST);
                out.writeInt(datasetId);
            });
        }
    }

    @Override
    public void endWrite(String key, boolean keep)
    {
        List<Connection> all;
        synchronized (this) {
            all = new ArrayList<>(executors.values());
        }
        if (all.isEmpty()) {
            return;
        }
        int request = keep ? nextWriteRequest.incrementAndGet() : 0;
        EndingWrite ending = new EndingWrite(all);
        if (keep) {
            endingWrites.put(request, ending);
        }
        for (Connection executor : all) {
            executor.send(out -> {
                out.writeByte(ControlProtocol.END_WRITE);
                out.writeInt(request);
                out.writeUTF(key);
                out.writeBoolean(keep);
            });
        }
        if (!keep) {
            return;
        }
        try {
            if (!ending.await(END_WRITE_WAIT_MILLIS)) {
                LOG.warn("Executors did not say within {} ms which output files of {} they keep; their splits are placed as any", END_WRITE_WAIT_MILLIS, key);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finally {
            endingWrites.remove(request);
        }
        ending.log(key);
    }

    /** A write whose end executors report: which files each keeps, and who has not answered yet. */
    private static final class EndingWrite
    {
        // guarded by this
        private final java.util.Set<String> waiting = new java.util.HashSet<>();
        private int files;
        private long bytes;
        private int executors;

        EndingWrite(List<Connection> asked)
        {
            asked.forEach(executor -> waiting.add(executor.location));
        }

        synchronized void reported(Connection executor, List<io.tusk.io.cache.FileVersion> kept)
        {
            io.tusk.io.cache.KeptLocations.kept(executor.host, executor.location, kept);
            if (!kept.isEmpty()) {
                files += kept.size();
                bytes += kept.stream().mapToLong(io.tusk.io.cache.FileVersion::length).sum();
                executors++;
            }
            gone(executor.location);
        }

        synchronized void gone(String location)
        {
            if (waiting.remove(location) && waiting.isEmpty()) {
                notifyAll();
            }
        }

        synchronized boolean await(long millis)
                throws InterruptedException
        {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (!waiting.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        synchronized void log(String key)
        {
            if (files > 0) {
                LogManager.getLogger(io.tusk.io.cache.OutputCache.LOG_NAME)
                        .info("Kept {} output files of {} in memory on {} executors ({} bytes) for the jobs that read them next", files, key, executors, bytes);
            }
        }
    }

    @Override
    public void onExecutorLost(Consumer<String> listener)
    {
        lostListeners.add(requireNonNull(listener, "listener is null"));
    }

    /** The container of executor {@code containerId} ended (YARN says so); it is lost if it was registered. */
    public void containerEnded(String containerId, String diagnostics)
    {
        Connection executor;
        synchronized (this) {
            executor = null;
            for (Connection candidate : executors.values()) {
                if (candidate.executorId().equals(containerId)) {
                    executor = candidate;
                }
            }
        }
        if (executor != null) {
            lost(executor, "its container ended: " + diagnostics);
        }
    }

    private void acceptLoop()
    {
        while (true) {
            Socket socket;
            try {
                socket = server.accept();
            }
            catch (IOException e) {
                return;
            }
            Thread reader = new Thread(() -> serve(socket), "tusk-control-" + socket.getRemoteSocketAddress());
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** Reads one executor's messages until its connection ends. */
    private void serve(Socket socket)
    {
        Connection executor = null;
        try {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            Handshake.accept(socket, secret, in, out);
            if (in.readByte() != ControlProtocol.REGISTER) {
                throw new IOException("an executor must register first");
            }
            ControlProtocol.Registration registration = ControlProtocol.readRegistration(in);
            executor = new Connection(socket, out, registration.executor(), registration.host(), registration.cores(), clock.getAsLong());
            synchronized (this) {
                if (closed) {
                    socket.close();
                    return;
                }
                executors.put(executor.location, executor);
                notifyAll();
            }
            LOG.info("Executor {} registered on {} with {} cores", executor.location, executor.host, executor.cores);
            ExecutorPool executorPool = pool;
            if (executorPool != null) {
                executorPool.registered(executor.executorId());
            }
            while (true) {
                byte type = in.readByte();
                executor.lastHeard = clock.getAsLong();
                switch (type) {
                    case ControlProtocol.HEARTBEAT -> {
                    }
                    case ControlProtocol.REQUEST -> {
                        int request = in.readInt();
                        byte kind = in.readByte();
                        byte[] reply = shared.answer(kind, ControlProtocol.readBytes(in));
                        executor.send(message -> {
                            message.writeByte(ControlProtocol.REPLY);
                            message.writeInt(request);
                            ControlProtocol.writeOptionalBytes(message, reply);
                        });
                    }
                    case ControlProtocol.SUCCEEDED -> {
                        TaskAttemptId id = ControlProtocol.readAttemptId(in);
                        byte[] result = ControlProtocol.readBytes(in);
                        Launched attempt = ended(executor, id);
                        if (attempt != null) {
                            attempt.listener().succeeded(id, placement(attempt), result);
                        }
                    }
                    case ControlProtocol.WRITE_ENDED -> {
                        int request = in.readInt();
                        List<io.tusk.io.cache.FileVersion> kept = ControlProtocol.readFileVersions(in);
                        EndingWrite ending = endingWrites.get(request);
                        if (ending != null) {
                            ending.reported(executor, kept);
                        }
                        else {
                            io.tusk.io.cache.KeptLocations.kept(executor.host, executor.location, kept);
                        }
                    }
                    case ControlProtocol.FAILED -> {
                        TaskAttemptId id = ControlProtocol.readAttemptId(in);
                        Throwable failure = Failures.read(in, failureClasses.get());
                        Launched attempt = ended(executor, id);
                        if (attempt != null) {
                            attempt.listener().failed(id, placement(attempt), failure);
                        }
                    }
                    default -> throw new IOException("unknown message type " + type);
                }
            }
        }
        catch (IOException | RuntimeException | LinkageError e) {
            if (executor == null) {
                LOG.warn("Refused a connection to the control channel: {}", e.toString());
                try {
                    socket.close();
                }
                catch (IOException ignored) {
                    // closing a connection that failed
                }
            }
            else {
                lost(executor, "its connection ended: " + e);
            }
        }
    }

    private static TaskPlacement placement(Launched attempt)
    {
        return new TaskPlacement(attempt.executor().location, attempt.executor().host, attempt.locality());
    }

    private synchronized Launched ended(Connection executor, TaskAttemptId id)
    {
        Launched attempt = launched.get(id);
        if (attempt == null || attempt.executor() != executor) {
            return null;
        }
        launched.remove(id);
        executor.running--;
        notifyAll();
        return attempt;
    }

    /** Forgets a lost executor; reports its running attempts failed and tells the scheduler. */
    private void lost(Connection executor, String reason)
    {
        List<Launched> orphans = new ArrayList<>();
        synchronized (this) {
            if (executors.remove(executor.location) == null) {
                return;
            }
            launched.values().removeIf(attempt -> {
                if (attempt.executor() == executor) {
                    orphans.add(attempt);
                    return true;
                }
                return false;
            });
            notifyAll();
        }
        executor.close();
        endingWrites.values().forEach(ending -> ending.gone(executor.location));
        // what it kept is gone with it: the next jobs' maps of those files wait for no one
        io.tusk.io.cache.KeptLocations.forgetExecutor(executor.location);
        if (!closed) {
            LOG.warn("Executor {} on {} is lost ({}); {} running attempts run again elsewhere", executor.location, executor.host, reason, orphans.size());
        }
        // the scheduler forgets the executor's outputs before it runs its attempts again
        if (!closed) {
            for (Consumer<String> listener : lostListeners) {
                listener.accept(executor.location);
            }
        }
        for (Launched attempt : orphans) {
            attempt.listener().failed(attempt.launch().attemptId(), placement(attempt), new ExecutorLostException(executor.location, reason));
        }
        if (!closed) {
            // its container may still look alive to YARN (a stopped node is noticed only after minutes): give it back, so a new one can come
            ExecutorPool executorPool = pool;
            if (executorPool != null) {
                executorPool.release(executor.executorId());
            }
        }
    }

    /** Places waiting attempts on free slots, tells the pool about demand, checks heartbeats and idleness. */
    private void placeLoop()
    {
        while (true) {
            List<LocalityScheduler.Assignment<TaskListener>> assignments;
            List<Connection> silent = new ArrayList<>();
            List<Connection> idle = new ArrayList<>();
            List<List<String>> demand;
            int running;
            synchronized (this) {
                if (closed) {
                    return;
                }
                long now = clock.getAsLong();
                List<LocalityScheduler.Slot> slots = new ArrayList<>();
                Map<LocalityScheduler.Slot, Connection> bySlot = new HashMap<>();
                for (Connection executor : executors.values()) {
                    for (int free = executor.cores - executor.running; free > 0; free--) {
                        LocalityScheduler.Slot slot = new LocalityScheduler.Slot(executor.location, executor.host);
                        if (!bySlot.containsKey(slot)) {
                            bySlot.put(slot, executor);
                        }
                        slots.add(slot);
                    }
                    if (now - executor.lastHeard > HEARTBEAT_TIMEOUT_MILLIS) {
                        silent.add(executor);
                    }
                }
                ExecutorPool executorPool = pool;
                assignments = executorPool == null ? scheduler.offer(slots, now) : scheduler.offer(slots, now, executorPool::startingOn);
                for (LocalityScheduler.Assignment<TaskListener> assignment : assignments) {
                    Connection executor = bySlot.get(assignment.slot());
                    executor.running++;
                    launched.put(assignment.launch().attemptId(), new Launched(assignment.launch(), assignment.attachment(), executor, assignment.locality()));
                }
                demand = scheduler.pendingPreferences();
                running = launched.size();
                if (running > 0 || scheduler.pending() > 0) {
                    idleSince = now;
                }
                else if (now - idleSince >= idleTimeoutMillis) {
                    idle.addAll(executors.values());
                    idleSince = now;
                }
            }
            for (LocalityScheduler.Assignment<TaskListener> assignment : assignments) {
                Connection executor;
                synchronized (this) {
                    Launched attempt = launched.get(assignment.launch().attemptId());
                    executor = attempt == null ? null : attempt.executor();
                }
                if (executor != null) {
                    LOG.debug("Attempt {} on {} ({})", assignment.launch().attemptId(), executor.location, assignment.locality());
                    executor.send(out -> ControlProtocol.writeLaunch(out, assignment.launch()));
                    assignment.attachment().started(assignment.launch().attemptId(), new TaskPlacement(executor.location, executor.host, assignment.locality()));
                }
            }
            ExecutorPool executorPool = pool;
            if (executorPool != null) {
                executorPool.demand(demand, running);
            }

            for (Connection executor : silent) {
                lost(executor, "no heartbeat for " + HEARTBEAT_TIMEOUT_MILLIS + " ms");
            }
            for (Connection executor : idle) {
                retire(executor, "the application has had no work for " + idleTimeoutMillis + " ms");
            }
            synchronized (this) {
                long wait = 200;
                if (scheduler.nextLevelChange().isPresent()) {
                    wait = Math.max(1, Math.min(wait, scheduler.nextLevelChange().get() - clock.getAsLong()));
                }
                if (assignments.isEmpty() && !closed) {
                    try {
                        wait(wait);
                    }
                    catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** Stops an executor that is not needed and gives its container back; its map outputs go with it. */
    private void retire(Connection executor, String reason)
    {
        synchronized (this) {
            if (executor.running > 0 || executors.remove(executor.location) == null) {
                return;
            }
        }
        LOG.info("Giving back executor {}: {}", executor.location, reason);
        executor.shutdown(reason);
        for (Consumer<String> listener : lostListeners) {
            listener.accept(executor.location);
        }
        ExecutorPool executorPool = pool;
        if (executorPool != null) {
            executorPool.release(executor.executorId());
        }
    }

    @Override
    public void close()
    {
        List<Connection> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(executors.values());
            notifyAll();
        }
        List<LocalityScheduler.Assignment<TaskListener>> waiting;
        synchronized (this) {
            waiting = scheduler.remove(launch -> true);
        }
        for (LocalityScheduler.Assignment<TaskListener> attempt : waiting) {
            attempt.attachment().failed(attempt.launch().attemptId(), null, new TuskException(ErrorCode.CONTEXT_CLOSED, "The master is stopping"));
        }
        for (Connection executor : all) {
            executor.shutdown("the application ends");
        }
        for (Connection executor : all) {
            executor.awaitSent(SHUTDOWN_SEND_MILLIS);
        }
        try {
            server.close();
        }
        catch (IOException e) {
            LOG.debug("Cannot close the control channel", e);
        }
        placer.interrupt();
        acceptor.interrupt();
    }

    private interface Message
    {
        void write(DataOutputStream out)
                throws IOException;
    }

    /**
     * One executor's connection. Messages to it are queued and written by a thread of its own, so
     * that an executor that reads slowly never holds up the threads that place attempts or read
     * other executors' messages. Fields other than the streams are guarded by the backend.
     */
    private final class Connection
    {
        /** Queued after a last message: the writer closes the connection once it has sent what came before. */
        private static final Message CLOSE = out -> {};

        final Socket socket;
        final DataOutputStream out;
        final String location;
        final String host;
        final int cores;
        final java.util.concurrent.BlockingQueue<Message> outbox = new java.util.concurrent.LinkedBlockingQueue<>();
        final Thread writer;
        volatile long lastHeard;
        int running;

        Connection(Socket socket, DataOutputStream out, String location, String host, int cores, long now)
        {
            this.socket = socket;
            this.out = out;
            this.location = location;
            this.host = host;
            this.cores = Math.max(1, cores);
            this.lastHeard = now;
            this.writer = new Thread(this::writeLoop, "tusk-control-writer-" + location);
            writer.setDaemon(true);
            writer.start();
        }

        /** The container id: the part of the location before {@code @}. */
        String executorId()
        {
            int at = location.indexOf('@');
            return at < 0 ? location : location.substring(0, at);
        }

        /** Queues a message; it is sent in order with the others, unless the connection breaks first. */
        void send(Message message)
        {
            outbox.add(message);
        }

        /** Tells the executor to stop, then closes the connection. */
        void shutdown(String reason)
        {
            send(message -> {
                message.writeByte(ControlProtocol.SHUTDOWN);
                message.writeUTF(reason);
            });
            send(CLOSE);
        }

        /** Waits (bounded) until the writer has sent what is queued and closed the connection. */
        void awaitSent(long millis)
        {
            try {
                writer.join(millis);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void writeLoop()
        {
            try {
                while (true) {
                    Message message = outbox.take();
                    if (message == CLOSE) {
                        out.flush();
                        break;
                    }
                    message.write(out);
                    if (outbox.isEmpty()) {
                        out.flush();
                    }
                }
            }
            catch (InterruptedException e) {
                // the connection is closed
            }
            catch (IOException e) {
                // the reader thread sees the broken connection and reports the executor lost
                LOG.debug("Cannot send to executor {}", location, e);
            }
            close();
        }

        void close()
        {
            try {
                socket.close();
            }
            catch (IOException ignored) {
                // already broken
            }
            if (Thread.currentThread() != writer) {
                writer.interrupt();
            }
        }
    }
}
