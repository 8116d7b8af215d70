package io.tusk.mr.task;

import io.tusk.engine.shuffle.BlockTransform;
import io.tusk.engine.shuffle.WireTransform;
import org.apache.hadoop.io.compress.CodecPool;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionInputStream;
import org.apache.hadoop.io.compress.CompressionOutputStream;
import org.apache.hadoop.io.compress.Compressor;
import org.apache.hadoop.io.compress.Decompressor;
import org.apache.hadoop.io.compress.DefaultCodec;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.util.ReflectionUtils;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * How a map task's spilled output is stored on local disk, as the job asks Hadoop to store its
 * intermediate data: compressed with {@code mapreduce.map.output.compress.codec} when
 * {@code mapreduce.map.output.compress} is set, and encrypted (AES-CTR, a random key that never
 * leaves this process, a random IV per block) when {@code mapreduce.job.encrypted-intermediate-data}
 * is set; compression first. Sent to reducers in other processes, the output is compressed the
 * same way (chunk by chunk) and not encrypted: the key is this process's.
 */
public final class MapOutputBlocks
{
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final org.apache.logging.log4j.Logger WIRE_LOG = org.apache.logging.log4j.LogManager.getLogger(MapOutputBlocks.class);
    private static final java.util.Map<String, Optional<WireTransform>> WIRE_TRANSFORMS = new java.util.concurrent.ConcurrentHashMap<>();
    private static volatile SecretKey processKey;

    private MapOutputBlocks() {}

    static Optional<BlockTransform> of(JobConf conf)
    {
        BlockTransform transform = null;
        if (conf.getCompressMapOutput()) {
            Class<? extends CompressionCodec> codecClass = conf.getMapOutputCompressorClass(DefaultCodec.class);
            transform = new Compressed(ReflectionUtils.newInstance(codecClass, conf), Integer.MAX_VALUE);
        }
        if (conf.getBoolean(MRJobConfig.MR_ENCRYPTED_INTERMEDIATE_DATA, MRJobConfig.DEFAULT_MR_ENCRYPTED_INTERMEDIATE_DATA)) {
            int bits = conf.getInt(MRJobConfig.MR_ENCRYPTED_INTERMEDIATE_DATA_KEY_SIZE_BITS, MRJobConfig.DEFAULT_MR_ENCRYPTED_INTERMEDIATE_DATA_KEY_SIZE_BITS);
            BlockTransform encrypted = new Encrypted(key(bits));
            transform = transform == null ? encrypted : BlockTransform.chain(transform, encrypted);
        }
        return Optional.ofNullable(transform);
    }

    /**
     * How the map output travels to reducers in other processes: compressed with the job's map
     * output codec, as Hadoop sends its segments, when the codec is one of Hadoop's own classes
     * (a receiver builds it by name, with its process's configuration: the sender does the same, so
     * both agree on buffer sizes) and works in this process; otherwise sent as it is.
     */
    static Optional<WireTransform> wire(JobConf conf)
    {
        if (!conf.getCompressMapOutput()) {
            return Optional.empty();
        }
        Class<? extends CompressionCodec> codecClass = conf.getMapOutputCompressorClass(DefaultCodec.class);
        if (codecClass.getClassLoader() != CompressionCodec.class.getClassLoader()) {
            return Optional.empty();
        }
        // built and tried once per codec and process: the same for every map
        return WIRE_TRANSFORMS.computeIfAbsent(codecClass.getName(), MapOutputBlocks::tryWireTransform);
    }

    private static Optional<WireTransform> tryWireTransform(String codecClass)
    {
        try {
            BlockTransform transform = wireDecoder(codecClass, Integer.MAX_VALUE);
            // a codec without its native library fails on first use: find out here, not on a reducer
            byte[] probe = "tusk".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] encoded = transform.encode(probe, probe.length);
            if (!Arrays.equals(transform.decode(encoded, encoded.length), probe)) {
                throw new IOException("a block does not read back as written");
            }
            return Optional.of(new WireTransform(codecClass, transform));
        }
        catch (IOException | RuntimeException | LinkageError e) {
            WIRE_LOG.warn("Map output is sent uncompressed to reducers in other processes: codec {} does not work here: {}", codecClass, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The decoder of chunks sent with {@link #wire}'s transform named {@code codecClass}, refusing a
     * chunk that claims more than {@code maxDecodedBytes}.
     */
    public static BlockTransform wireDecoder(String codecClass, int maxDecodedBytes)
            throws IOException
    {
        Class<?> found;
        try {
            found = Class.forName(codecClass, true, CompressionCodec.class.getClassLoader());
        }
        catch (ClassNotFoundException e) {
            throw new IOException("Map output sent compressed with " + codecClass + ", a codec this process does not have", e);
        }
        if (!CompressionCodec.class.isAssignableFrom(found)) {
            throw new IOException("Map output sent compressed with " + codecClass + ", which is not a compression codec");
        }
        return new Compressed((CompressionCodec) ReflectionUtils.newInstance(found, new JobConf()), maxDecodedBytes);
    }

    /** The process's key for intermediate data: made once, kept only in memory. */
    private static SecretKey key(int bits)
    {
        SecretKey key = processKey;
        if (key == null || key.getEncoded().length * 8 != bits) {
            synchronized (MapOutputBlocks.class) {
                key = processKey;
                if (key == null || key.getEncoded().length * 8 != bits) {
                    try {
                        KeyGenerator generator = KeyGenerator.getInstance("AES");
                        generator.init(bits, RANDOM);
                        key = generator.generateKey();
                    }
                    catch (GeneralSecurityException e) {
                        throw new IllegalStateException("Cannot make an AES key of " + bits + " bits for encrypted intermediate data", e);
                    }
                    processKey = key;
                }
            }
        }
        return key;
    }

    /** {@code [decoded length][the codec's stream]}. */
    private static final class Compressed
            implements BlockTransform
    {
        private final CompressionCodec codec;
        private final int maxDecodedBytes;

        Compressed(CompressionCodec codec, int maxDecodedBytes)
        {
            this.codec = codec;
            this.maxDecodedBytes = maxDecodedBytes;
        }

        @Override
        public byte[] encode(byte[] block, int length)
                throws IOException
        {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(length / 2 + 64);
            bytes.write(length >>> 24);
            bytes.write(length >>> 16);
            bytes.write(length >>> 8);
            bytes.write(length);
            Compressor compressor = CodecPool.getCompressor(codec);
            try (CompressionOutputStream out = codec.createOutputStream(bytes, compressor)) {
                out.write(block, 0, length);
                out.finish();
            }
            finally {
                CodecPool.returnCompressor(compressor);
            }
            return bytes.toByteArray();
        }

        @Override
        public byte[] decode(byte[] encoded, int length)
                throws IOException
        {
            DataInputStream header = new DataInputStream(new ByteArrayInputStream(encoded, 0, length));
            int decodedLength = header.readInt();
            if (decodedLength < 0 || decodedLength > maxDecodedBytes) {
                throw new IOException("corrupt block length " + decodedLength);
            }
            byte[] decoded = new byte[decodedLength];
            Decompressor decompressor = CodecPool.getDecompressor(codec);
            try (CompressionInputStream in = codec.createInputStream(new ByteArrayInputStream(encoded, 4, length - 4), decompressor)) {
                new DataInputStream(in).readFully(decoded);
            }
            finally {
                CodecPool.returnDecompressor(decompressor);
            }
            return decoded;
        }
    }

    /** {@code [16-byte IV][AES-CTR of the block]}. */
    private static final class Encrypted
            implements BlockTransform
    {
        private static final int IV_BYTES = 16;
        private final SecretKey key;

        Encrypted(SecretKey key)
        {
            this.key = key;
        }

        @Override
        public byte[] encode(byte[] block, int length)
                throws IOException
        {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            byte[] encoded = Arrays.copyOf(iv, IV_BYTES + length);
            try {
                Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
                cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
                cipher.doFinal(block, 0, length, encoded, IV_BYTES);
            }
            catch (GeneralSecurityException e) {
                throw new IOException("Cannot encrypt intermediate data", e);
            }
            return encoded;
        }

        @Override
        public byte[] decode(byte[] encoded, int length)
                throws IOException
        {
            if (length < IV_BYTES) {
                throw new IOException("encrypted block of " + length + " bytes has no IV");
            }
            try {
                Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(encoded, 0, IV_BYTES));
                return cipher.doFinal(encoded, IV_BYTES, length - IV_BYTES);
            }
            catch (GeneralSecurityException e) {
                throw new IOException("Cannot decrypt intermediate data", e);
            }
        }
    }
}
