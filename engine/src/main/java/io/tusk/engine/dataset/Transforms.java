package io.tusk.engine.dataset;

import io.tusk.engine.function.FilterFunction;
import io.tusk.engine.function.FlatMapFunction;
import io.tusk.engine.function.MapFunction;
import io.tusk.engine.plan.PartitionTransform;
import io.tusk.engine.task.UserCodeException;

import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** The per-record iterators behind the narrow transformations. No object per record beyond the user's. */
final class Transforms
{
    private Transforms() {}

    static <T, R> PartitionTransform map(MapFunction<? super T, ? extends R> function)
    {
        return (partition, input, context) -> new MapIterator<>(cast(input), function);
    }

    static <T> PartitionTransform filter(FilterFunction<? super T> function)
    {
        return (partition, input, context) -> new FilterIterator<>(cast(input), function);
    }

    static <T, R> PartitionTransform flatMap(FlatMapFunction<? super T, ? extends R> function)
    {
        return (partition, input, context) -> new FlatMapIterator<>(cast(input), function);
    }

    @SuppressWarnings("unchecked")
    static <T> Iterator<T> cast(Iterator<?> iterator)
    {
        return (Iterator<T>) iterator;
    }

    private static final class MapIterator<T, R>
            implements Iterator<R>
    {
        private final Iterator<T> input;
        private final MapFunction<? super T, ? extends R> function;

        MapIterator(Iterator<T> input, MapFunction<? super T, ? extends R> function)
        {
            this.input = input;
            this.function = function;
        }

        @Override
        public boolean hasNext()
        {
            return input.hasNext();
        }

        @Override
        public R next()
        {
            T value = input.next();
            try {
                return function.apply(value);
            }
            catch (Exception e) {
                throw UserCodeException.wrap(e);
            }
        }
    }

    private static final class FilterIterator<T>
            implements Iterator<T>
    {
        private final Iterator<T> input;
        private final FilterFunction<? super T> function;
        private T next;
        private boolean ready;

        FilterIterator(Iterator<T> input, FilterFunction<? super T> function)
        {
            this.input = input;
            this.function = function;
        }

        @Override
        public boolean hasNext()
        {
            if (ready) {
                return true;
            }
            while (input.hasNext()) {
                T value = input.next();
                boolean keep;
                try {
                    keep = function.test(value);
                }
                catch (Exception e) {
                    throw UserCodeException.wrap(e);
                }
                if (keep) {
                    next = value;
                    ready = true;
                    return true;
                }
            }
            return false;
        }

        @Override
        public T next()
        {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ready = false;
            T value = next;
            next = null;
            return value;
        }
    }

    private static final class FlatMapIterator<T, R>
            implements Iterator<R>
    {
        private final Iterator<T> input;
        private final FlatMapFunction<? super T, ? extends R> function;
        private Iterator<? extends R> current = Collections.emptyIterator();

        FlatMapIterator(Iterator<T> input, FlatMapFunction<? super T, ? extends R> function)
        {
            this.input = input;
            this.function = function;
        }

        @Override
        public boolean hasNext()
        {
            while (!current.hasNext()) {
                if (!input.hasNext()) {
                    return false;
                }
                T value = input.next();
                try {
                    current = function.apply(value);
                }
                catch (Exception e) {
                    throw UserCodeException.wrap(e);
                }
                if (current == null) {
                    current = Collections.emptyIterator();
                }
            }
            return true;
        }

        @Override
        public R next()
        {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }
    }
}
