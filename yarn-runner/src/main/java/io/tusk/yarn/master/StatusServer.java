package io.tusk.yarn.master;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The page YARN's tracking URL of a Tusk dataset application leads to, on the driver's host: its
 * state as plain text, and Tusk's web UI once the driver's context shows it ({@link #serve}).
 */
public final class StatusServer
        implements AutoCloseable
{
    private final HttpServer server;
    private final String url;
    private volatile HttpHandler ui;

    public StatusServer(String host, Supplier<String> page)
            throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(host, 0), 8);
        server.createContext("/", exchange -> {
            HttpHandler served = ui;
            if (served != null) {
                served.handle(exchange);
                return;
            }
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

    /** Serves {@code handler} (Tusk's web UI) from now on. */
    public void serve(HttpHandler handler)
    {
        this.ui = handler;
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
