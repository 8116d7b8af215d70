package io.tusk.engine.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serializes lambdas of {@link java.io.Serializable} functional interfaces through the public API of
 * {@link SerializedLambda}: the lambda's own {@code writeReplace} to write it, and its capturing
 * class's {@code $deserializeLambda$} to read it. Unlike Kryo's closure serializer this needs no
 * {@code --add-opens} of {@code java.lang.invoke}. Thread-safe.
 */
final class LambdaSerializer
        extends Serializer<Object>
{
    private static final Map<Class<?>, Method> WRITE_REPLACE = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Method> DESERIALIZE = new ConcurrentHashMap<>();

    @Override
    public void write(Kryo kryo, Output output, Object lambda)
    {
        SerializedLambda serialized = serialized(lambda);
        output.writeString(serialized.getCapturingClass().replace('/', '.'));
        output.writeString(serialized.getFunctionalInterfaceClass());
        output.writeString(serialized.getFunctionalInterfaceMethodName());
        output.writeString(serialized.getFunctionalInterfaceMethodSignature());
        output.writeVarInt(serialized.getImplMethodKind(), true);
        output.writeString(serialized.getImplClass());
        output.writeString(serialized.getImplMethodName());
        output.writeString(serialized.getImplMethodSignature());
        output.writeString(serialized.getInstantiatedMethodType());
        output.writeVarInt(serialized.getCapturedArgCount(), true);
        for (int i = 0; i < serialized.getCapturedArgCount(); i++) {
            kryo.writeClassAndObject(output, serialized.getCapturedArg(i));
        }
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<?> type)
    {
        String capturingClassName = input.readString();
        Class<?> capturingClass;
        try {
            capturingClass = Class.forName(capturingClassName, false, kryo.getClassLoader());
        }
        catch (ClassNotFoundException e) {
            throw new KryoException("Cannot load the class that defined a function: " + capturingClassName, e);
        }
        String functionalInterfaceClass = input.readString();
        String functionalInterfaceMethodName = input.readString();
        String functionalInterfaceMethodSignature = input.readString();
        int implMethodKind = input.readVarInt(true);
        String implClass = input.readString();
        String implMethodName = input.readString();
        String implMethodSignature = input.readString();
        String instantiatedMethodType = input.readString();
        Object[] captured = new Object[KryoInputs.readCount(input, "captured values of a function")];
        for (int i = 0; i < captured.length; i++) {
            captured[i] = kryo.readClassAndObject(input);
        }
        SerializedLambda serialized = new SerializedLambda(capturingClass, functionalInterfaceClass, functionalInterfaceMethodName,
                functionalInterfaceMethodSignature, implMethodKind, implClass, implMethodName, implMethodSignature, instantiatedMethodType, captured);
        try {
            return deserializeMethod(capturingClass).invoke(null, serialized);
        }
        catch (IllegalAccessException | InvocationTargetException e) {
            throw new KryoException("Cannot recreate function " + implClass + "." + implMethodName + ": " + e, e);
        }
    }

    private static SerializedLambda serialized(Object lambda)
    {
        Method writeReplace = WRITE_REPLACE.computeIfAbsent(lambda.getClass(), type -> {
            try {
                Method method = type.getDeclaredMethod("writeReplace");
                method.setAccessible(true);
                return method;
            }
            catch (NoSuchMethodException e) {
                throw new KryoException("Function " + type.getName() + " is not serializable: its interface must extend java.io.Serializable");
            }
        });
        try {
            return (SerializedLambda) writeReplace.invoke(lambda);
        }
        catch (IllegalAccessException | InvocationTargetException e) {
            throw new KryoException("Cannot serialize function " + lambda.getClass().getName() + ": " + e, e);
        }
    }

    private static Method deserializeMethod(Class<?> capturingClass)
    {
        return DESERIALIZE.computeIfAbsent(capturingClass, type -> {
            try {
                Method method = type.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
                method.setAccessible(true);
                return method;
            }
            catch (NoSuchMethodException e) {
                throw new KryoException("Class " + type.getName() + " defines no serializable functions");
            }
        });
    }
}
