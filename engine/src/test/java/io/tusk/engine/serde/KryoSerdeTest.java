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
}
