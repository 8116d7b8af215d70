package io.tusk.engine.scheduler;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

import static io.tusk.engine.TuskException.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * Places pending attempts on free slots of executors with delay scheduling: an attempt goes to a
 * slot on a host that holds its data; only when no attempt could be placed that well for
 * {@code wait} milliseconds does it go to a slot on the same rack, and after another {@code wait}
 * anywhere. Every placement at the best level resets the wait, so a stream of node-local work
 * keeps the level at node-local. An attempt that names executors holding its input in memory takes
 * a slot of one of them, and for {@code wait} milliseconds from when it was added takes no other slot
 * (another executor on the same host would read the input from its file). Attempts without preferred
 * hosts go anywhere at once. Not thread-safe: a backend calls it from one thread (or under its lock);
 * time comes from the caller.
 *
 * @param <T> what the backend keeps with each attempt (its listener)
 */
public final class LocalityScheduler<T>
{
    /** One free slot: a place to run one attempt on an executor. */
    public record Slot(String executor, String host)
    {
        public Slot
        {
            requireNonNull(executor, "executor is null");
            requireNonNull(host, "host is null");
        }
    }

    /** An attempt placed on a slot, at a level of locality. */
    public record Assignment<T>(TaskLaunch launch, T attachment, Slot slot, Locality locality) {}

    private static final Locality[] LEVELS = {Locality.NODE_LOCAL, Locality.RACK_LOCAL, Locality.OFF_RACK};

    private final Function<String, String> rackOf;
    private final long waitMillis;
    private final Map<Object, Pending<T>> pending = new LinkedHashMap<>();
    private int level;
    private long levelSince;
    /** The latest time a caller gave. */
    private long lastNow;

    /**
     * @param rackOf the rack of a host, or null when the topology does not know it
     * @param waitMillis how long to wait for a better placement before accepting the next level
     */
    public LocalityScheduler(Function<String, String> rackOf, long waitMillis)
    {
        this.rackOf = requireNonNull(rackOf, "rackOf is null");
        checkArgument(waitMillis >= 0, "locality wait is negative: %s", waitMillis);
        this.waitMillis = waitMillis;
    }

    private record Pending<T>(TaskLaunch launch, T attachment, List<String> racks, long added)
    {
        /** Whether the attempt still takes only a slot of an executor that holds its input. */
        boolean waitsForItsExecutors(long now, long waitMillis)
        {
            return !launch.preferredExecutors().isEmpty() && now - added < waitMillis;
        }
    }

    public void add(TaskLaunch launch, T attachment, long now)
    {
        List<String> racks = new ArrayList<>();
        for (String host : launch.preferredHosts()) {
            String rack = rackOf.apply(host);
            if (rack != null && !racks.contains(rack)) {
                racks.add(rack);
            }
        }
        lastNow = Math.max(lastNow, now);
        if (pending.isEmpty()) {
            level = 0;
            levelSince = now;
        }
        pending.put(launch.attemptId(), new Pending<>(launch, attachment, List.copyOf(racks), now));
    }

    public int pending()
    {
        return pending.size();
    }

    /** The hosts preferred by pending attempts, one entry per attempt and host; for asking a cluster for executors near them. */
    public List<List<String>> pendingPreferences()
    {
        List<List<String>> preferences = new ArrayList<>(pending.size());
        for (Pending<T> task : pending.values()) {
            preferences.add(task.launch().preferredHosts());
        }
        return preferences;
    }

    /** Removes and returns the pending attempts that match. */
    public List<Assignment<T>> remove(Predicate<TaskLaunch> which)
    {
        List<Assignment<T>> removed = new ArrayList<>();
        for (Iterator<Pending<T>> iterator = pending.values().iterator(); iterator.hasNext(); ) {
            Pending<T> task = iterator.next();
            if (which.test(task.launch())) {
                removed.add(new Assignment<>(task.launch(), task.attachment(), null, null));
                iterator.remove();
            }
        }
        return removed;
    }

    /** The level of locality attempts may be placed at now. */
    public Locality allowedLevel(long now)
    {
        while (level < LEVELS.length - 1 && now - levelSince >= waitMillis) {
            level++;
            levelSince += waitMillis;
        }
        return LEVELS[level];
    }

    /**
     * When the allowed level would next widen, or an attempt stop waiting for its executors, if
     * attempts are still waiting; for a timer.
     */
    public Optional<Long> nextLevelChange()
    {
        Optional<Long> next = pending.isEmpty() || level == LEVELS.length - 1 ? Optional.empty() : Optional.of(levelSince + waitMillis);
        for (Pending<T> task : pending.values()) {
            if (!task.launch().preferredExecutors().isEmpty()) {
                long ends = task.added() + waitMillis;
                // a wait over already was offered every slot since: nothing to wake up for
                if (ends > lastNow && (next.isEmpty() || ends < next.get())) {
                    next = Optional.of(ends);
                }
            }
        }
        return next;
    }

    /**
     * Places pending attempts on {@code slots} (each slot takes at most one), best placements
     * first: every slot's node-local attempts before any rack-local one.
     */
    public List<Assignment<T>> offer(List<Slot> slots, long now)
    {
        return offer(slots, now, host -> false);
    }

    /**
     * Like {@link #offer(List, long)}; an attempt that prefers a host where an executor is starting
     * keeps waiting for it instead of going to another host.
     */
    public List<Assignment<T>> offer(List<Slot> slots, long now, Predicate<String> executorStarting)
    {
        List<Assignment<T>> assignments = new ArrayList<>();
        lastNow = Math.max(lastNow, now);
        if (pending.isEmpty() || slots.isEmpty()) {
            return assignments;
        }
        Locality allowed = allowedLevel(now);
        boolean[] used = new boolean[slots.size()];
        placeOnTheirExecutors(slots, used, assignments, now);
        // attempts without a preference take any other slot at once
        for (int i = 0; i < slots.size(); i++) {
            if (used[i]) {
                continue;
            }
            Pending<T> task = take(task1 -> task1.launch().preferredHosts().isEmpty());
            if (task == null) {
                break;
            }
            used[i] = true;
            assignments.add(new Assignment<>(task.launch(), task.attachment(), slots.get(i), Locality.NO_PREFERENCE));
        }
        placeNodeLocal(slots, used, assignments, now);
        for (Locality candidate : LEVELS) {
            if (candidate == Locality.NODE_LOCAL) {
                continue;
            }
            if (candidate.ordinal() > allowed.ordinal()) {
                break;
            }
            for (int i = 0; i < slots.size(); i++) {
                if (used[i]) {
                    continue;
                }
                Slot slot = slots.get(i);
                String rack = rackOf.apply(slot.host());
                Pending<T> task = candidate == Locality.RACK_LOCAL
                        ? (rack == null ? null : take(waiting -> waiting.racks().contains(rack) && !waitsForExecutor(waiting, executorStarting)
                                && !waiting.waitsForItsExecutors(now, waitMillis)))
                        : take(waiting -> !waitsForExecutor(waiting, executorStarting) && !waiting.waitsForItsExecutors(now, waitMillis));
                if (task == null) {
                    continue;
                }
                used[i] = true;
                Locality locality = locality(task, slot.host(), rack);
                assignments.add(new Assignment<>(task.launch(), task.attachment(), slot, locality));
                placedAt(locality, now);
            }
        }
        return assignments;
    }

    /** Gives free slots of executors that hold attempts' inputs those attempts, in the order they came. */
    private void placeOnTheirExecutors(List<Slot> slots, boolean[] used, List<Assignment<T>> assignments, long now)
    {
        for (Iterator<Pending<T>> iterator = pending.values().iterator(); iterator.hasNext(); ) {
            Pending<T> task = iterator.next();
            if (task.launch().preferredExecutors().isEmpty()) {
                continue;
            }
            for (int i = 0; i < slots.size(); i++) {
                if (!used[i] && task.launch().preferredExecutors().contains(slots.get(i).executor())) {
                    used[i] = true;
                    iterator.remove();
                    assignments.add(new Assignment<>(task.launch(), task.attachment(), slots.get(i), Locality.NODE_LOCAL));
                    placedAt(Locality.NODE_LOCAL, now);
                    break;
                }
            }
        }
    }

    /**
     * Gives free slots node-local attempts, those with the fewest free slots on their hosts first,
     * so that an attempt that could run on two hosts does not take the only slot another could use;
     * an attempt still waiting for its executors takes none.
     */
    private void placeNodeLocal(List<Slot> slots, boolean[] used, List<Assignment<T>> assignments, long now)
    {
        List<Pending<T>> candidates = new ArrayList<>();
        List<Integer> choices = new ArrayList<>();
        for (Pending<T> task : pending.values()) {
            if (task.waitsForItsExecutors(now, waitMillis)) {
                continue;
            }
            int count = 0;
            for (int i = 0; i < slots.size(); i++) {
                if (!used[i] && task.launch().preferredHosts().contains(slots.get(i).host())) {
                    count++;
                }
            }
            if (count > 0) {
                candidates.add(task);
                choices.add(count);
            }
        }
        Integer[] order = new Integer[candidates.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (left, right) -> Integer.compare(choices.get(left), choices.get(right)));
        for (int index : order) {
            Pending<T> task = candidates.get(index);
            for (int i = 0; i < slots.size(); i++) {
                if (!used[i] && task.launch().preferredHosts().contains(slots.get(i).host())) {
                    used[i] = true;
                    pending.remove(task.launch().attemptId());
                    assignments.add(new Assignment<>(task.launch(), task.attachment(), slots.get(i), Locality.NODE_LOCAL));
                    placedAt(Locality.NODE_LOCAL, now);
                    break;
                }
            }
        }
    }

    private static boolean waitsForExecutor(Pending<?> task, Predicate<String> executorStarting)
    {
        for (String host : task.launch().preferredHosts()) {
            if (executorStarting.test(host)) {
                return true;
            }
        }
        return false;
    }

    /** A placement at the allowed level or better starts the wait again from there. */
    private void placedAt(Locality locality, long now)
    {
        if (locality.ordinal() <= level) {
            level = locality.ordinal();
            levelSince = now;
        }
    }

    private static Locality locality(Pending<?> task, String host, String rack)
    {
        if (task.launch().preferredHosts().contains(host)) {
            return Locality.NODE_LOCAL;
        }
        if (rack != null && task.racks().contains(rack)) {
            return Locality.RACK_LOCAL;
        }
        return Locality.OFF_RACK;
    }

    private Pending<T> take(Predicate<Pending<T>> matches)
    {
        for (Iterator<Pending<T>> iterator = pending.values().iterator(); iterator.hasNext(); ) {
            Pending<T> task = iterator.next();
            if (matches.test(task)) {
                iterator.remove();
                return task;
            }
        }
        return null;
    }

    @Override
    public String toString()
    {
        return "LocalityScheduler{pending=" + pending.size() + ", level=" + LEVELS[level] + ", wait=" + waitMillis + "ms" + "}";
    }
}
