package io.tusk.io;

import io.tusk.engine.ErrorCode;
import io.tusk.engine.TuskException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts input files into splits the way Hadoop's {@code FileInputFormat} does: hidden files
 * ({@code _*}, {@code .*}) skipped, compressed files whole, split size
 * {@code max(minSize, min(maxSize, max(goal, ...)))} bounded by the block size, a last split up to
 * 1.1 times the split size, and the hosts of the block where each split starts.
 */
final class FileSplitter
{
    static final String MIN_SIZE = "mapreduce.input.fileinputformat.split.minsize";
    static final String MAX_SIZE = "mapreduce.input.fileinputformat.split.maxsize";
    private static final double SPLIT_SLOP = 1.1;

    private FileSplitter() {}

    static List<FileSplit> split(String pathPattern, int minPartitions, Configuration configuration)
    {
        try {
            Path pattern = new Path(pathPattern);
            FileSystem fs = pattern.getFileSystem(configuration);
            List<FileStatus> files = listFiles(fs, pattern);
            long total = 0;
            for (FileStatus file : files) {
                total += file.getLen();
            }
            long goal = total / Math.max(1, minPartitions);
            long minSize = Math.max(1, configuration.getLong(MIN_SIZE, 1));
            long maxSize = configuration.getLong(MAX_SIZE, Long.MAX_VALUE);
            CompressionCodecFactory codecs = new CompressionCodecFactory(configuration);
            List<FileSplit> splits = new ArrayList<>();
            for (FileStatus file : files) {
                Path path = file.getPath();
                long length = file.getLen();
                java.util.Optional<io.tusk.io.cache.KeptLocations.Keeper> keptBy = io.tusk.io.cache.KeptLocations.keeperOf(path.toString(), length,
                        file.getModificationTime());
                // a file an executor keeps in memory: its splits run there
                BlockLocation[] blocks = keptBy.isPresent() ? new BlockLocation[] {new BlockLocation(null, new String[] {keptBy.get().host()}, 0, length)}
                        : length == 0 ? new BlockLocation[0] : fs.getFileBlockLocations(file, 0, length);
                List<String> executors = keptBy.map(keeper -> List.of(keeper.executor())).orElse(List.of());
                CompressionCodec codec = codecs.getCodec(path);
                if (length == 0 || codec != null) {
                    splits.add(new FileSplit(path.toString(), 0, length, hosts(blocks, 0), executors));
                    continue;
                }
                long splitSize = Math.max(minSize, Math.min(maxSize, Math.min(Math.max(goal, 1), file.getBlockSize())));
                long remaining = length;
                while ((double) remaining / splitSize > SPLIT_SLOP) {
                    long start = length - remaining;
                    splits.add(new FileSplit(path.toString(), start, splitSize, hosts(blocks, start), executors));
                    remaining -= splitSize;
                }
                if (remaining > 0) {
                    long start = length - remaining;
                    splits.add(new FileSplit(path.toString(), start, remaining, hosts(blocks, start), executors));
                }
            }
            return splits;
        }
        catch (IOException e) {
            throw new TuskException(ErrorCode.IO_ERROR, "Cannot list input " + pathPattern + ": " + e.getMessage(), e);
        }
    }

    private static List<FileStatus> listFiles(FileSystem fs, Path pattern)
            throws IOException
    {
        FileStatus[] matches = fs.globStatus(pattern, FileSplitter::visible);
        if (matches == null || matches.length == 0) {
            throw new TuskException(ErrorCode.INVALID_ARGUMENT, "Input path does not exist: " + fs.makeQualified(pattern));
        }
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus match : matches) {
            if (match.isDirectory()) {
                FileStatus[] children = fs.listStatus(match.getPath(), FileSplitter::visible);
                Arrays.sort(children);
                for (FileStatus child : children) {
                    if (child.isFile()) {
                        files.add(child);
                    }
                }
            }
            else {
                files.add(match);
            }
        }
        return files;
    }

    private static boolean visible(Path path)
    {
        String name = path.getName();
        return !name.startsWith("_") && !name.startsWith(".");
    }

    private static List<String> hosts(BlockLocation[] blocks, long offset)
            throws IOException
    {
        for (BlockLocation block : blocks) {
            if (offset >= block.getOffset() && offset < block.getOffset() + block.getLength()) {
                return List.of(block.getHosts());
            }
        }
        return List.of();
    }
}
