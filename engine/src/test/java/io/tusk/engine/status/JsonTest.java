package io.tusk.engine.status;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTest
{
    @Test
    void membersAndElementsAreSeparatedAndStringsEscaped()
    {
        String json = new Json().beginObject()
                .field("name", "a \"quoted\"\\ line\nnext\u0001")
                .field("count", 3)
                .time("never", 0)
                .name("list").beginArray().value(1).value("two").beginObject().field("x", true).endObject().beginArray().endArray().endArray()
                .strings("map", Map.of("k", "v:"))
                .field("missing", (String) null)
                .endObject().toString();
        assertThat(json).isEqualTo("{\"name\":\"a \\\"quoted\\\"\\\\ line\\nnext\\u0001\",\"count\":3,\"never\":null,"
                + "\"list\":[1,\"two\",{\"x\":true},[]],\"map\":{\"k\":\"v:\"},\"missing\":null}");
    }
}
