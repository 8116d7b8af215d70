package io.tusk.engine.serde;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KryoInputsTest
{
    @Test
    void countThatTheBytesLeftCanHoldIsRead()
    {
        assertThat(KryoInputs.readCount(new Input(bytes(3, 3)), "items")).isEqualTo(3);
    }

    @Test
    void countLargerThanTheBytesLeftOrNegativeIsCorrupt()
    {
        assertThatThrownBy(() -> KryoInputs.readCount(new Input(bytes(1_000_000_000, 3)), "splits"))
                .isInstanceOf(KryoException.class)
                .hasMessageContaining("1000000000 splits where 3 bytes are left");
        assertThatThrownBy(() -> KryoInputs.readCount(new Input(bytes(-5, 3)), "splits")).isInstanceOf(KryoException.class);
    }

    /** A count as a variable-length int, then {@code followers} bytes. */
    private static byte[] bytes(int count, int followers)
    {
        Output output = new Output(32);
        output.writeVarInt(count, true);
        for (int i = 0; i < followers; i++) {
            output.writeByte(i);
        }
        return output.toBytes();
    }
}
