package io.tusk.yarn.master;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** The page YARN's tracking URL of a Tusk application leads to: the master's state as plain text, on the master's own host. */
public final class StatusServer
        implements AutoCloseable
{
    private final HttpServer server;
    private final String url;

    public StatusServer(String host, Supplier<String> page)
            throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(host, 0), 8);
        server.createContext("/", exchange -> {
            byte[] body = page.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        url = "http://" + host + ":" + server.getAddress().getPort() + "/";
    }

    /** The tracking URL. */
    public String url()
    {
        return url;
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
