package io.tusk.engine.scheduler;

import io.tusk.engine.plan.DatasetNode;
import io.tusk.engine.plan.Dependency;
import io.tusk.engine.plan.NarrowDependency;
import io.tusk.engine.plan.ShuffleDependency;
import io.tusk.engine.plan.ShuffledNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

import static java.util.Objects.requireNonNull;

/**
 * Cuts a lineage graph into stages at shuffle dependencies. Narrow dependencies stay inside a stage,
 * whose tasks compute them fused in one pass. The walk stops at datasets whose partitions are all
 * cached, and at shuffles whose outputs all exist: what is already computed is reused.
 */
public final class Planner
{
    private final AtomicInteger nextStageId;
    private final IntPredicate fullyCached;
    private final IntPredicate shuffleAvailable;

    /**
     * @param fullyCached whether every partition of a dataset (by id) is in the block store
     * @param shuffleAvailable whether every map output of a shuffle (by id) exists
     */
    public Planner(AtomicInteger nextStageId, IntPredicate fullyCached, IntPredicate shuffleAvailable)
    {
        this.nextStageId = requireNonNull(nextStageId, "nextStageId is null");
        this.fullyCached = requireNonNull(fullyCached, "fullyCached is null");
        this.shuffleAvailable = requireNonNull(shuffleAvailable, "shuffleAvailable is null");
    }

    /** The result stage of {@code node}, with the map stages that must run before it as parents. */
    public Stage plan(DatasetNode node)
    {
        return stage(node, null, new LinkedHashMap<>());
    }

    private Stage stage(DatasetNode node, ShuffleDependency shuffle, Map<Integer, Stage> mapStages)
    {
        List<Stage> parents = new ArrayList<>();
        for (ShuffleDependency dependency : shuffleBoundaries(node)) {
            if (shuffleAvailable.test(dependency.shuffleId())) {
                continue;
            }
            Stage parent = mapStages.get(dependency.shuffleId());
            if (parent == null) {
                parent = stage(dependency.parent(), dependency, mapStages);
                mapStages.put(dependency.shuffleId(), parent);
            }
            if (!parents.contains(parent)) {
                parents.add(parent);
            }
        }
        return new Stage(nextStageId.getAndIncrement(), node, shuffle, parents);
    }

    /** The shuffle dependencies reached from {@code node} through narrow dependencies only. */
    private List<ShuffleDependency> shuffleBoundaries(DatasetNode node)
    {
        List<ShuffleDependency> boundaries = new ArrayList<>();
        Set<Integer> visited = new HashSet<>();
        Deque<DatasetNode> toVisit = new ArrayDeque<>();
        toVisit.push(node);
        while (!toVisit.isEmpty()) {
            DatasetNode current = toVisit.pop();
            if (!visited.add(current.id()) || fullyCached.test(current.id())) {
                continue;
            }
            for (Dependency dependency : current.dependencies()) {
                if (dependency instanceof ShuffleDependency shuffle) {
                    boundaries.add(shuffle);
                }
                else if (dependency instanceof NarrowDependency narrow) {
                    toVisit.push(narrow.parent());
                }
            }
        }
        return boundaries;
    }

    /** The stages of {@code node} as text, result stage first, each with its fused operators. */
    public String explain(DatasetNode node, IntPredicate persisted)
    {
        Stage result = plan(node);
        StringBuilder out = new StringBuilder();
        Set<Integer> printed = new HashSet<>();
        explain(result, persisted, out, printed);
        return out.toString();
    }

    private void explain(Stage stage, IntPredicate persisted, StringBuilder out, Set<Integer> printed)
    {
        if (!printed.add(stage.id())) {
            return;
        }
        out.append("Stage ").append(stage.id())
                .append(stage.isMapStage() ? " (shuffle map, writes shuffle " + stage.shuffle().shuffleId() + ")" : " (result)")
                .append(", ").append(stage.partitions()).append(" tasks");
        if (!stage.parents().isEmpty()) {
            out.append(", after stages ");
            for (int i = 0; i < stage.parents().size(); i++) {
                out.append(i == 0 ? "" : ", ").append(stage.parents().get(i).id());
            }
        }
        out.append('\n');
        describeOperators(stage.node(), persisted, out, "  ", new HashSet<>());
        for (Stage parent : stage.parents()) {
            explain(parent, persisted, out, printed);
        }
    }

    private void describeOperators(DatasetNode node, IntPredicate persisted, StringBuilder out, String indent, Set<Integer> visited)
    {
        if (!visited.add(node.id())) {
            return;
        }
        out.append(indent).append(node.describe());
        if (persisted.test(node.id())) {
            out.append(fullyCached.test(node.id()) ? " [cached]" : " [persisted]");
        }
        out.append('\n');
        if (fullyCached.test(node.id())) {
            return;
        }
        if (node instanceof ShuffledNode shuffled) {
            int shuffleId = shuffled.dependency().shuffleId();
            out.append(indent).append("  <- shuffle ").append(shuffleId)
                    .append(shuffleAvailable.test(shuffleId) ? " (output available, map stage skipped)" : "").append('\n');
            return;
        }
        for (Dependency dependency : node.dependencies()) {
            describeOperators(dependency.parent(), persisted, out, indent, visited);
        }
    }
}
