package io.tusk.mr.task;

import io.tusk.engine.shuffle.BlockTransform;
import org.apache.hadoop.mapred.JobConf;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MapOutputBlocksTest
{
    private static final byte[] BLOCK = "the secret word is swordfish; ".repeat(500).getBytes(StandardCharsets.UTF_8);

    private static String text(byte[] bytes)
    {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void nothingAskedNothingDone()
    {
        assertThat(MapOutputBlocks.of(new JobConf(false))).isEmpty();
    }

    @Test
    void compressedWithTheMapOutputCodec()
            throws Exception
    {
        JobConf conf = new JobConf(false);
        conf.setCompressMapOutput(true);
        conf.set("mapreduce.map.output.compress.codec", "org.apache.hadoop.io.compress.GzipCodec");
        BlockTransform transform = MapOutputBlocks.of(conf).orElseThrow();
        byte[] stored = transform.encode(BLOCK, BLOCK.length);
        assertThat(stored.length).isLessThan(BLOCK.length / 10);
        assertThat(stored[4]).as("a gzip stream after the length").isEqualTo((byte) 0x1f);
        assertThat(transform.decode(stored, stored.length)).isEqualTo(BLOCK);
    }

    @Test
    void encryptedWithAFreshIvPerBlockAndCompressedFirst()
            throws Exception
    {
        JobConf conf = new JobConf(false);
        conf.setBoolean("mapreduce.job.encrypted-intermediate-data", true);
        BlockTransform encrypted = MapOutputBlocks.of(conf).orElseThrow();
        byte[] first = encrypted.encode(BLOCK, BLOCK.length);
        byte[] second = encrypted.encode(BLOCK, BLOCK.length);
        assertThat(text(first)).doesNotContain("swordfish");
        assertThat(first).isNotEqualTo(second);
        assertThat(encrypted.decode(first, first.length)).isEqualTo(BLOCK);
        assertThat(encrypted.decode(second, second.length)).isEqualTo(BLOCK);

        conf.setCompressMapOutput(true);
        BlockTransform both = MapOutputBlocks.of(conf).orElseThrow();
        byte[] stored = both.encode(BLOCK, BLOCK.length);
        assertThat(stored.length).as("compressed before it is encrypted").isLessThan(BLOCK.length / 10);
        assertThat(text(stored)).doesNotContain("swordfish");
        assertThat(both.decode(stored, stored.length)).isEqualTo(BLOCK);
    }
}
