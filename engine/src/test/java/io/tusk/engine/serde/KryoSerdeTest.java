package io.tusk.engine.serde;

import io.tusk.engine.function.MapFunction;
import io.tusk.engine.function.ReduceFunction;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class KryoSerdeTest
{
    private final KryoSerde serde = new KryoSerde();

    record Point(int x, String label) {}

    @Test
    void lambdasTravelWithWhatTheyCapture()
            throws Exception
    {
        int offset = 40;
        String suffix = "!";
        MapFunction<Integer, String> function = value -> (value + offset) + suffix;

        @SuppressWarnings("unchecked")
        MapFunction<Integer, String> copy = (MapFunction<Integer, String>) serde.deserialize(serde.serialize(function));

        assertThat(copy).isNotSameAs(function);
        assertThat(copy.apply(2)).isEqualTo("42!");
    }

    @Test
    void methodReferencesTravel()
            throws Exception
    {
        ReduceFunction<Long> sum = Long::sum;
        @SuppressWarnings("unchecked")
        ReduceFunction<Long> copy = (ReduceFunction<Long>) serde.deserialize(serde.serialize(sum));
        assertThat(copy.apply(40L, 2L)).isEqualTo(42L);
    }

    @Test
    void recordsAndJdkCollectionsRoundTrip()
    {
        Object value = Map.of("points", List.of(new Point(1, "a"), new Point(2, "b")), "maybe", Optional.of(3));
        assertThat(serde.deserialize(serde.serialize(value))).isEqualTo(value);
    }

    @Test
    void sessionsWriteUnregisteredClassesCompactly()
    {
        try (SerdeSession session = serde.openSession()) {
            com.esotericsoftware.kryo.io.Output output = new com.esotericsoftware.kryo.io.Output(64, -1);
            session.write(output, new Point(1, "a"));
            int first = output.position();
            output.reset();
            session.write(output, new Point(1, "a"));
            // no class name in the record: a few bytes of id plus the fields
            assertThat(output.position()).isEqualTo(first).isLessThan(12);
            assertThat(session.read(output.getBuffer(), 0, output.position())).isEqualTo(new Point(1, "a"));
        }
    }

    record Other(long value) {}

    /** Numbers classes as a master does for its executors: one table of names; each "process" keeps its own cache of it. */
    private static final class SharedNames
    {
        private final List<String> names = new java.util.ArrayList<>();

        synchronized int idOf(String name)
        {
            int index = names.indexOf(name);
            if (index < 0) {
                names.add(name);
                index = names.size() - 1;
            }
            return ClassIds.FIRST_ID + index;
        }

        synchronized String nameOf(int id)
        {
            return names.get(id - ClassIds.FIRST_ID);
        }

        ClassIds executor()
        {
            return new ClassIds()
            {
                @Override
                public int idOf(Class<?> type)
                {
                    return SharedNames.this.idOf(type.getName());
                }

                @Override
                public Class<?> classOf(int id, ClassLoader loader)
                {
                    try {
                        return Class.forName(nameOf(id), false, loader);
                    }
                    catch (ClassNotFoundException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
        }
    }

    @Test
    void recordsWrittenWithTheApplicationsNumberingReadTheSameInAnotherExecutor()
    {
        SharedNames master = new SharedNames();
        KryoSerde writer = new KryoSerde(KryoSerdeTest.class.getClassLoader(), Map.of(), master.executor());
        KryoSerde reader = new KryoSerde(KryoSerdeTest.class.getClassLoader(), Map.of(), master.executor());
        com.esotericsoftware.kryo.io.Output output = new com.esotericsoftware.kryo.io.Output(64, -1);
        // the reader's process met another class first: the process-wide numbering would differ between the two
        try (SerdeSession session = reader.openSession()) {
            session.write(new com.esotericsoftware.kryo.io.Output(64, -1), new Other(5));
        }
        try (SerdeSession session = writer.openSession()) {
            session.write(output, new Point(7, "p"));
        }
        try (SerdeSession session = reader.openSession()) {
            assertThat(session.read(output.getBuffer(), 0, output.position())).isEqualTo(new Point(7, "p"));
        }
        assertThat(master.names).as("the classes were numbered by the application, not the process").containsExactly(Other.class.getName(), Point.class.getName());
    }
}
