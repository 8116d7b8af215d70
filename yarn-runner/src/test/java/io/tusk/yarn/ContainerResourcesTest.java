package io.tusk.yarn;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerResourcesTest
{
    @TempDir
    java.nio.file.Path work;

    @Test
    void tuskJarsArePublicWhenEveryoneReadsThemElsePrivateToTheUserAndTheJobsFilesTheApplications()
            throws IOException
    {
        Configuration conf = new Configuration();
        FileSystem fs = FileSystem.getLocal(conf);
        // JUnit makes the temporary directory for its user only
        fs.setPermission(new Path(work.toUri()), new FsPermission("755"));
        Path open = jar(fs, "open", "a.jar", "755", "644");
        Path unreadable = jar(fs, "open", "b.jar", "755", "600");
        Path closed = jar(fs, "closed", "c.jar", "700", "644");
        Path submitDir = new Path(work.resolve("submit").toUri());
        fs.mkdirs(submitDir);
        Files.writeString(work.resolve("submit").resolve("job.xml"), "<configuration/>");

        Map<String, Path> jars = new java.util.LinkedHashMap<>();
        jars.put("a.jar", open);
        jars.put("b.jar", unreadable);
        ContainerResources.writeJarList(fs, submitDir, jars);
        ContainerResources resources = new ContainerResources().addTuskJars(conf, submitDir).addJobConf(conf, submitDir);
        assertThat(resources.resources().get(YarnSettings.LIB_DIR + "/a.jar").getVisibility()).isEqualTo(LocalResourceVisibility.PUBLIC);
        assertThat(resources.resources().get(YarnSettings.LIB_DIR + "/b.jar").getVisibility()).isEqualTo(LocalResourceVisibility.PRIVATE);
        assertThat(resources.resources().get(YarnSettings.JOB_CONF).getVisibility()).isEqualTo(LocalResourceVisibility.APPLICATION);

        // a cache directory only its user may enter (a home directory of mode 700): kept for the user's applications
        ContainerResources.writeJarList(fs, submitDir, Map.of("c.jar", closed));
        ContainerResources privately = new ContainerResources().addTuskJars(conf, submitDir);
        assertThat(privately.resources().get(YarnSettings.LIB_DIR + "/c.jar").getVisibility()).isEqualTo(LocalResourceVisibility.PRIVATE);
    }

    private Path jar(FileSystem fs, String directory, String name, String directoryMode, String fileMode)
            throws IOException
    {
        java.nio.file.Path file = Files.createDirectories(work.resolve(directory)).resolve(name);
        Files.write(file, new byte[] {'P', 'K'});
        Path path = new Path(file.toUri());
        fs.setPermission(path, new FsPermission(fileMode));
        fs.setPermission(path.getParent(), new FsPermission(directoryMode));
        return path;
    }
}
