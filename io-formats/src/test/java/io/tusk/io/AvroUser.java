package io.tusk.io;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/** A specific record class as Avro's compiler would generate it, reduced to what Avro needs. */
public final class AvroUser
        extends SpecificRecordBase
{
    public static final Schema SCHEMA$ = new Schema.Parser().parse("""
            {"type": "record", "name": "AvroUser", "namespace": "io.tusk.io", "fields": [
              {"name": "name", "type": "string"},
              {"name": "age", "type": "int"},
              {"name": "city", "type": "string", "default": "unknown"}
            ]}""");

    private CharSequence name;
    private int age;
    private CharSequence city;

    public AvroUser() {}

    public AvroUser(String name, int age, String city)
    {
        this.name = name;
        this.age = age;
        this.city = city;
    }

    public static Schema getClassSchema()
    {
        return SCHEMA$;
    }

    @Override
    public Schema getSchema()
    {
        return SCHEMA$;
    }

    @Override
    public Object get(int field)
    {
        return switch (field) {
            case 0 -> name;
            case 1 -> age;
            case 2 -> city;
            default -> throw new IndexOutOfBoundsException(field);
        };
    }

    @Override
    public void put(int field, Object value)
    {
        switch (field) {
            case 0 -> name = (CharSequence) value;
            case 1 -> age = (Integer) value;
            case 2 -> city = (CharSequence) value;
            default -> throw new IndexOutOfBoundsException(field);
        }
    }

    public String name()
    {
        return name.toString();
    }

    public int age()
    {
        return age;
    }

    public String city()
    {
        return city.toString();
    }
}
