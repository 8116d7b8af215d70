package io.tusk.yarn.net;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a peer sends is checked before it sizes anything: a corrupt length costs an exception, never gigabytes. */
class ControlProtocolTest
{
    @Test
    void bytesLongerThanOneReadChunkArriveWhole()
            throws IOException
    {
        byte[] message = new byte[(3 << 20) + 5];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) (i * 31);
        }
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ControlProtocol.writeBytes(new DataOutputStream(sent), message);
        assertThat(ControlProtocol.readBytes(new DataInputStream(new ByteArrayInputStream(sent.toByteArray())))).isEqualTo(message);
    }

    @Test
    void aFlippedBitInAMessageIsCaughtBeforeItIsRead()
            throws IOException
    {
        byte[] message = "a serialized task".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ControlProtocol.writeOptionalBytes(new DataOutputStream(sent), message);
        byte[] corrupt = sent.toByteArray();
        corrupt[4 + 3] ^= 0x10;
        assertThatThrownBy(() -> ControlProtocol.readOptionalBytes(new DataInputStream(new ByteArrayInputStream(corrupt))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("CRC32C");
        assertThat(ControlProtocol.readOptionalBytes(new DataInputStream(new ByteArrayInputStream(sent.toByteArray())))).isEqualTo(message);
    }

    @Test
    void lengthLargerThanWhatArrivesEndsWithoutAllocatingIt()
    {
        // a length of 2 GiB - 1 before three bytes: only what arrives is held
        byte[] corrupt = {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3};
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThatThrownBy(() -> ControlProtocol.readBytes(new DataInputStream(new ByteArrayInputStream(corrupt)))).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> ControlProtocol.readOptionalBytes(new DataInputStream(new ByteArrayInputStream(corrupt)))).isInstanceOf(EOFException.class);
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThat(after - before).as("bytes allocated for a corrupt length").isLessThan(256L << 20);
    }

    @Test
    void countsOutsideTheirRangeAreRefused()
    {
        byte[] negative = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertThatThrownBy(() -> ControlProtocol.readCount(new DataInputStream(new ByteArrayInputStream(negative)), 10, "maps"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("-1 maps");
        byte[] large = {0, 0, 0, 11};
        assertThatThrownBy(() -> ControlProtocol.readCount(new DataInputStream(new ByteArrayInputStream(large)), 10, "maps"))
                .hasMessageContaining("11 maps, where 0 to 10 can be");
    }
}
