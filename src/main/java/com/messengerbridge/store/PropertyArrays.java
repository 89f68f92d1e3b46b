package com.messengerbridge.store;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An event's JMS properties while it waits for its transaction: names and values side by side in two
 * arrays, read by name with a scan of its dozen or so names. Under 100-event requests the waiting
 * events are most of what each young collection copies, and a {@code LinkedHashMap} of the same
 * properties took about 760 bytes an event, these arrays about 170. Unmodifiable; null values are kept,
 * as JMS sends them.
 */
final class PropertyArrays extends AbstractMap<String, Object> {

    private final String[] names;
    private final Object[] values;

    private PropertyArrays(String[] names, Object[] values) {
        this.names = names;
        this.values = values;
    }

    /** The same properties, in the map's order. */
    static PropertyArrays of(Map<String, Object> properties) {
        Builder builder = new Builder(properties.size());
        properties.forEach(builder::put);
        return builder.build();
    }

    /** These properties with {@code name} set: in its place if there is one, else last. */
    PropertyArrays with(String name, Object value) {
        int index = indexOf(name);
        if (index >= 0) {
            Object[] changed = values.clone();
            changed[index] = value;
            return new PropertyArrays(names, changed);
        }
        String[] moreNames = Arrays.copyOf(names, names.length + 1);
        Object[] moreValues = Arrays.copyOf(values, values.length + 1);
        moreNames[names.length] = name;
        moreValues[values.length] = value;
        return new PropertyArrays(moreNames, moreValues);
    }

    /** The properties' names by position, for a loop that must not allocate (the committer's sends). */
    String name(int index) {
        return names[index];
    }

    Object value(int index) {
        return values[index];
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public Object get(Object name) {
        int index = indexOf(name);
        return index < 0 ? null : values[index];
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    private int indexOf(Object name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < names.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= names.length) {
                            throw new NoSuchElementException();
                        }
                        int index = next++;
                        return new SimpleImmutableEntry<>(names[index], values[index]);
                    }
                };
            }

            @Override
            public int size() {
                return names.length;
            }
        };
    }

    /** Collects properties up to a capacity, each name once (they come from a map). */
    static final class Builder {
        private final String[] names;
        private final Object[] values;
        private int count;

        Builder(int capacity) {
            names = new String[capacity];
            values = new Object[capacity];
        }

        void put(String name, Object value) {
            names[count] = name;
            values[count++] = value;
        }

        PropertyArrays build() {
            return count == names.length ? new PropertyArrays(names, values)
                    : new PropertyArrays(Arrays.copyOf(names, count), Arrays.copyOf(values, count));
        }
    }
}
