package io.tusk.mr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LocalJobIdsTest
{
    @TempDir
    Path temp;

    @Test
    void aNumberHeldByALiveClaimIsNotTakenAgainAndDeadClaimsAreRemoved()
            throws Exception
    {
        Path directory = temp.resolve("tusk-job-ids");
        Files.createDirectories(directory);
        // a claim of a process that was killed: a file that nobody holds
        Files.createFile(directory.resolve("50"));

        assertThat(LocalJobIds.claim(directory, 100)).isEqualTo(100);
        assertThat(directory.resolve("50")).doesNotExist();
        // held (here by this process): the next number
        assertThat(LocalJobIds.claim(directory, 100)).isEqualTo(101);
        assertThat(directory.resolve("100")).exists();
        assertThat(directory.resolve("101")).exists();
    }

    @Test
    void identifiersAreDigits()
    {
        assertThat(LocalJobIds.identifier()).matches("[0-9]{13,}");
    }
}
