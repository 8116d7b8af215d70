package io.tusk.mr.task;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spill sizes that Hadoop's LocalJobRunner logged ({@code kvstart}/{@code kvend} of each
 * "Spilling map output") for one map of 400,000 records of a 4-byte key ({@code Text} "k07") and a
 * 9-byte value ({@code Text} "v0000001") with a 1 MiB sort buffer.
 */
class HadoopSpillsTest
{
    private static final int RECORDS = 400_000;

    @Test
    void defaultSpillPercentCutsWhereHadoopDid()
    {
        int[] expected = new int[14];
        java.util.Arrays.fill(expected, 28_926);
        expected[13] = 23_962;
        assertThat(sizes(HadoopSpills.starts(1, 0.8f, RECORDS, uniform()))).containsExactly(expected);
    }

    @Test
    void halfSpillPercentCutsWhereHadoopDid()
    {
        assertThat(sizes(HadoopSpills.starts(1, 0.5f, RECORDS, uniform()))).containsExactly(
                18_079, 18_079, 18_078, 18_079, 18_078, 18_079, 18_078, 18_079, 18_079, 18_078, 18_079, 18_078,
                18_079, 18_079, 18_078, 18_079, 18_078, 18_079, 18_079, 18_078, 18_079, 18_078, 2_271);
    }

    @Test
    void outputThatFitsTheSoftLimitIsOneSpill()
    {
        assertThat(HadoopSpills.starts(100, 0.8f, RECORDS, uniform())).containsExactly(0);
    }

    @Test
    void recordLargerThanTheBufferIsNotReplayed()
    {
        assertThat(HadoopSpills.starts(1, 0.8f, 3, new HadoopSpills.RecordLengths()
        {
            @Override
            public int keyLength(int record)
            {
                return 4;
            }

            @Override
            public int valueLength(int record)
            {
                return record == 1 ? 2 << 20 : 9;
            }
        })).isNull();
    }

    private static HadoopSpills.RecordLengths uniform()
    {
        return new HadoopSpills.RecordLengths()
        {
            @Override
            public int keyLength(int record)
            {
                return 4;
            }

            @Override
            public int valueLength(int record)
            {
                return 9;
            }
        };
    }

    private static int[] sizes(int[] starts)
    {
        int[] sizes = new int[starts.length];
        for (int spill = 0; spill < starts.length; spill++) {
            sizes[spill] = (spill + 1 < starts.length ? starts[spill + 1] : RECORDS) - starts[spill];
        }
        return sizes;
    }
}
