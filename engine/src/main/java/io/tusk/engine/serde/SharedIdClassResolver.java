package io.tusk.engine.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Gives classes that were not registered up front a number from a {@link ClassIds} instead of
 * writing their name, so shuffle records of user classes stay small.
 * Confined to the thread that owns its Kryo instance.
 */
final class SharedIdClassResolver
        extends DefaultClassResolver
{
    private final ClassIds ids;

    SharedIdClassResolver(ClassIds ids)
    {
        this.ids = ids;
    }

    @Override
    public Registration registerImplicit(Class type)
    {
        return register(new Registration(type, kryo.getDefaultSerializer(type), ids.idOf(type)));
    }

    @Override
    public Registration readClass(Input input)
    {
        int position = input.position();
        int classId = input.readVarInt(true);
        if (classId == Kryo.NULL || classId == NAME + 2) {
            input.setPosition(position);
            return super.readClass(input);
        }
        int id = classId - 2;
        Registration registration = idToRegistration.get(id);
        if (registration == null) {
            Class<?> type = ids.classOf(id, kryo.getClassLoader());
            if (type == null) {
                throw new KryoException("Encountered unknown class ID: " + id);
            }
            registration = registerImplicit(type);
        }
        return registration;
    }
}
