package io.tusk.mr.task;

import io.tusk.engine.shuffle.RecordCursor;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.DataInputBuffer;
import org.apache.hadoop.io.RawComparator;
import org.apache.hadoop.io.WritableUtils;
import org.apache.hadoop.io.serializer.Deserializer;
import org.apache.hadoop.io.serializer.SerializationFactory;
import org.apache.hadoop.io.serializer.Serializer;
import org.apache.hadoop.mapred.BackupStore;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.ReduceContext;
import org.apache.hadoop.mapreduce.StatusReporter;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.task.TaskInputOutputContextImpl;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

import static java.util.Objects.requireNonNull;

/**
 * The new API's reduce (and combine) context over a sorted run of serialized records, with the
 * behaviour of Hadoop's {@code ReduceContextImpl} that reducers can see: one record read ahead; a
 * group runs while the grouping comparator calls the raw key of each record equal to the one before;
 * the key object is refilled from every record, so a reducer iterating a group under a grouping
 * comparator sees each record's own key (secondary sort), and a key it changed is overwritten by
 * the next value; key and value objects are reused; a value counts as input when it is read;
 * {@code MarkableIterator}'s mark and reset through Hadoop's {@link BackupStore}, as in Hadoop.
 * <p>
 * It differs in cost only: records are deserialized straight from the cursor's buffers through
 * unlocked streams ({@link RecordInput}) where Hadoop's {@code DataInputBuffer} takes a monitor on
 * every byte read, and the key is copied once per record for the comparison with the next.
 * Confined to the task's thread.
 */
final class CursorReduceContext
        extends TaskInputOutputContextImpl<Object, Object, Object, Object>
        implements ReduceContext<Object, Object, Object, Object>
{
    private RecordCursor input;
    /** Groups and values read, counted here (a counter's increment is synchronized) and read by the task when the reducer returns. */
    private long inputKeys;
    private long inputValues;
    private final RawComparator<Object> comparator;
    private final RecordCodecs.Reader keyReader;
    private final RecordCodecs.Reader valueReader;
    private final SerializationFactory serialization;
    private final Class<Object> keyClass;
    private final Class<Object> valueClass;
    private final Configuration conf;
    private final TaskAttemptID attemptId;
    private final Values values = new Values();
    private byte[] currentRawKey = new byte[64];
    private int currentRawKeyLength;
    private Object key;
    private Object value;
    /** The current record is a group's first and its value not handed out yet. */
    private boolean firstValue;
    /** The record read ahead belongs to the current group. */
    private boolean nextKeyIsSame;
    /** The cursor stands on a record read ahead. */
    private boolean hasMore;
    /** The record read ahead has the key bytes of the current one, which {@link #currentRawKey} holds. */
    private boolean nextKeyBytesKnown;
    private boolean marked;
    private BackupStore<Object, Object> backupStore;
    private int currentKeyLength = -1;
    private int currentValueLength = -1;

    /**
     * @param comparator the grouping comparator
     */
    CursorReduceContext(Configuration conf, TaskAttemptID attemptId, RecordCursor input, RecordWriter<Object, Object> output, OutputCommitter committer, StatusReporter reporter, RawComparator<?> comparator,
            Class<Object> keyClass, Class<Object> valueClass)
            throws IOException
    {
        this(conf, attemptId, input, output, committer, reporter, comparator, keyClass, valueClass, new SerializationFactory(conf));
    }

    /**
     * @param comparator the grouping comparator
     * @param serialization the job's serializations, for a caller that makes many contexts
     */
    @SuppressWarnings("unchecked")
    CursorReduceContext(Configuration conf, TaskAttemptID attemptId, RecordCursor input, RecordWriter<Object, Object> output, OutputCommitter committer, StatusReporter reporter, RawComparator<?> comparator,
            Class<Object> keyClass, Class<Object> valueClass, SerializationFactory serialization)
            throws IOException
    {
        super(conf, attemptId, output, committer, reporter);
        this.input = requireNonNull(input, "input is null");
        this.comparator = (RawComparator<Object>) requireNonNull(comparator, "comparator is null");
        this.serialization = requireNonNull(serialization, "serialization is null");
        this.keyReader = RecordCodecs.reader(keyClass, serialization.getDeserializer(keyClass));
        this.valueReader = RecordCodecs.reader(valueClass, serialization.getDeserializer(valueClass));
        this.keyClass = keyClass;
        this.valueClass = valueClass;
        this.conf = conf;
        this.attemptId = attemptId;
        this.hasMore = input.next();
    }

    /**
     * Makes this context read {@code input} as a new context would: nothing read, fresh key and
     * value objects, no mark, an empty status; for a runner that runs a new reducer on many inputs
     * (a combiner on a map's runs) and would otherwise make a context per input. Returns false, and
     * changes nothing, if a mark was ever set on this context's values: its mark store is not
     * carried over, so the caller makes a new context.
     */
    boolean reuse(RecordCursor input)
            throws IOException
    {
        if (backupStore != null) {
            return false;
        }
        this.input = requireNonNull(input, "input is null");
        inputKeys = 0;
        inputValues = 0;
        key = null;
        value = null;
        firstValue = false;
        nextKeyIsSame = false;
        nextKeyBytesKnown = false;
        currentKeyLength = -1;
        currentValueLength = -1;
        setStatusString("");
        hasMore = input.next();
        return true;
    }

    @Override
    public boolean nextKey()
            throws IOException, InterruptedException
    {
        while (hasMore && nextKeyIsSame) {
            nextKeyValue();
        }
        if (!hasMore) {
            return false;
        }
        inputKeys++;
        return nextKeyValue();
    }

    @Override
    public boolean nextKeyValue()
            throws IOException, InterruptedException
    {
        if (!hasMore) {
            key = null;
            value = null;
            return false;
        }
        firstValue = !nextKeyIsSame;
        int keyLength = input.keyLength();
        if (!nextKeyBytesKnown) {
            if (currentRawKey.length < keyLength) {
                currentRawKey = new byte[Math.max(keyLength, currentRawKey.length * 2)];
            }
            System.arraycopy(input.keyBuffer(), input.keyOffset(), currentRawKey, 0, keyLength);
            currentRawKeyLength = keyLength;
        }
        key = keyReader.read(key, currentRawKey, 0, keyLength);
        value = valueReader.read(value, input.valueBuffer(), input.valueOffset(), input.valueLength());
        currentKeyLength = keyLength;
        currentValueLength = input.valueLength();
        if (marked) {
            backupStore.write(view(input.keyBuffer(), input.keyOffset(), keyLength), view(input.valueBuffer(), input.valueOffset(), currentValueLength));
        }
        hasMore = input.next();
        // the same bytes group together under every comparator (each calls a key equal to itself)
        nextKeyBytesKnown = hasMore && input.sameKeyAsPrevious();
        nextKeyIsSame = nextKeyBytesKnown
                || (hasMore && comparator.compare(currentRawKey, 0, currentRawKeyLength, input.keyBuffer(), input.keyOffset(), input.keyLength()) == 0);
        inputValues++;
        return true;
    }

    /** The groups the reducer has read so far. */
    long inputKeys()
    {
        return inputKeys;
    }

    /** The values the reducer has read so far. */
    long inputValues()
    {
        return inputValues;
    }

    private static DataInputBuffer view(byte[] buffer, int offset, int length)
    {
        DataInputBuffer view = new DataInputBuffer();
        view.reset(buffer, offset, length);
        return view;
    }

    @Override
    public Object getCurrentKey()
    {
        return key;
    }

    @Override
    public Object getCurrentValue()
    {
        return value;
    }

    @Override
    public Iterable<Object> getValues()
    {
        return values;
    }

    private final class Values
            implements Iterable<Object>
    {
        private final ValueIterator iterator = new ValueIterator();

        @Override
        public Iterator<Object> iterator()
        {
            return iterator;
        }
    }

    private final class ValueIterator
            implements ReduceContext.ValueIterator<Object>
    {
        private final RecordInput backupInput = new RecordInput();
        /** Reads the values kept since the mark; created at the first reset. */
        private Deserializer<Object> backupDeserializer;
        private boolean inReset;
        private boolean clearMarkFlag;

        @Override
        public boolean hasNext()
        {
            try {
                if (inReset && backupStore.hasNext()) {
                    return true;
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException("Reading the values kept since the mark failed", e);
            }
            return firstValue || nextKeyIsSame;
        }

        @Override
        public Object next()
        {
            try {
                if (inReset) {
                    if (backupStore.hasNext()) {
                        backupStore.next();
                        DataInputBuffer next = backupStore.nextValue();
                        backupInput.reset(next.getData(), next.getPosition(), next.getLength() - next.getPosition());
                        if (backupDeserializer == null) {
                            backupDeserializer = serialization.getDeserializer(valueClass);
                            backupDeserializer.open(backupInput);
                        }
                        value = backupDeserializer.deserialize(value);
                        return value;
                    }
                    inReset = false;
                    backupStore.exitResetMode();
                    if (clearMarkFlag) {
                        clearMarkFlag = false;
                        marked = false;
                    }
                }
                if (firstValue) {
                    firstValue = false;
                    return value;
                }
                if (!nextKeyIsSame) {
                    throw new NoSuchElementException("iterate past last value");
                }
                nextKeyValue();
                return value;
            }
            catch (IOException e) {
                throw new UncheckedIOException("next value iterator failed", e);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeException("next value iterator interrupted", e);
            }
        }

        @Override
        public void remove()
        {
            throw new UnsupportedOperationException("remove not implemented");
        }

        @Override
        public void mark()
                throws IOException
        {
            if (backupStore == null) {
                backupStore = new BackupStore<>(conf, attemptId);
            }
            marked = true;
            if (inReset) {
                backupStore.mark();
                return;
            }
            backupStore.reinitialize();
            if (currentKeyLength == -1) {
                // no value read yet: nothing current to keep
                return;
            }
            int size = currentKeyLength + currentValueLength + WritableUtils.getVIntSize(currentKeyLength) + WritableUtils.getVIntSize(currentValueLength);
            writeCurrentRecord(backupStore.getOutputStream(size));
            backupStore.updateCounters(size);
        }

        /** The record last served, read ahead past: serialized again from the current key and value, as Hadoop does. */
        private void writeCurrentRecord(DataOutputStream out)
                throws IOException
        {
            WritableUtils.writeVInt(out, currentKeyLength);
            WritableUtils.writeVInt(out, currentValueLength);
            Serializer<Object> keySerializer = serialization.getSerializer(keyClass);
            keySerializer.open(out);
            keySerializer.serialize(key);
            Serializer<Object> valueSerializer = serialization.getSerializer(valueClass);
            valueSerializer.open(out);
            valueSerializer.serialize(value);
        }

        @Override
        public void reset()
                throws IOException
        {
            if (clearMarkFlag) {
                clearMarkFlag = false;
                backupStore.clearMark();
                throw new IOException("Reset called without a previous mark");
            }
            if (!marked) {
                throw new IOException("Reset called without a previous mark");
            }
            inReset = true;
            backupStore.reset();
        }

        @Override
        public void clearMark()
                throws IOException
        {
            if (backupStore == null) {
                return;
            }
            if (inReset) {
                clearMarkFlag = true;
                backupStore.clearMark();
            }
            else {
                inReset = false;
                marked = false;
                backupStore.reinitialize();
            }
        }

        @Override
        public void resetBackupStore()
                throws IOException
        {
            if (backupStore == null) {
                return;
            }
            inReset = false;
            marked = false;
            backupStore.reinitialize();
            currentKeyLength = -1;
        }
    }
}
