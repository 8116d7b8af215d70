package io.tusk.engine.ui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.tusk.engine.status.StatusStore;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Tusk's web UI: the pages (HTML, script and style shipped in the jar, nothing fetched from
 * elsewhere) and the JSON API behind them, served from a {@link StatusStore}:
 * <ul>
 * <li>{@code GET /api/v1/jobs}: the jobs, newest first, with their stages</li>
 * <li>{@code GET /api/v1/jobs/<id>}: one job with its stages and counters</li>
 * <li>{@code GET /api/v1/jobs/<id>/stages/<stage>}: one stage with its task attempts</li>
 * <li>{@code GET /api/v1/executors}, {@code GET /api/v1/memory}</li>
 * </ul>
 * Read-only; one small thread pool of its own.
 */
public final class UiServer
        implements AutoCloseable
{
    private static final Logger LOG = LogManager.getLogger(UiServer.class);
    private static final Pattern JOB = Pattern.compile("/api/v1/jobs/(\\d+)");
    private static final Pattern STAGE = Pattern.compile("/api/v1/jobs/(\\d+)/stages/(\\d+)");
    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/static/app.js", "app.js",
            "/static/style.css", "style.css");

    private final HttpHandler handler;
    private final HttpServer server;
    private final ExecutorService threads;
    /** {@link #uri()}, made once: every job's status carries it, and a host's name may take a lookup. */
    private volatile URI uri;

    private UiServer(StatusStore store, HttpServer server)
    {
        this.handler = handler(store);
        this.server = server;
        this.threads = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "tusk-ui");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext("/", handler);
        server.start();
    }

    /**
     * Serves {@code store} on {@code address}:{@code port} (0: a free port).
     *
     * @throws IOException when the port cannot be bound
     */
    public static UiServer start(StatusStore store, InetAddress address, int port)
            throws IOException
    {
        requireNonNull(store, "store is null");
        return new UiServer(store, HttpServer.create(new InetSocketAddress(address, port), 16));
    }

    /** The UI's address, as a browser opens it. */
    public URI uri()
    {
        URI known = uri;
        if (known == null) {
            InetSocketAddress address = server.getAddress();
            String host = address.getAddress().isLoopbackAddress() ? "127.0.0.1" : address.getAddress().getCanonicalHostName();
            known = URI.create("http://" + host + ":" + address.getPort() + "/");
            uri = known;
        }
        return known;
    }

    public int port()
    {
        return server.getAddress().getPort();
    }

    /** The UI's pages and API over {@code store}, for a server of someone else's (a YARN application's tracking URL). */
    public static HttpHandler handler(StatusStore store)
    {
        requireNonNull(store, "store is null");
        return exchange -> handle(store, exchange);
    }

    private static void handle(StatusStore store, HttpExchange exchange)
            throws IOException
    {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, "text/plain", "Only GET\n");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String asset = ASSETS.get(path);
            if (asset != null) {
                sendAsset(exchange, asset);
                return;
            }
            String json = api(store, path);
            if (json == null) {
                send(exchange, 404, "application/json", "{\"error\":\"not found: " + path.replace("\"", "") + "\"}");
            }
            else {
                send(exchange, 200, "application/json", json);
            }
        }
        catch (RuntimeException e) {
            LOG.warn("The UI could not answer {}: {}", exchange.getRequestURI(), e.toString());
        }
    }

    /** The API's answer to {@code path}; null when there is none. */
    private static String api(StatusStore store, String path)
    {
        if (path.equals("/api/v1/jobs")) {
            return store.jobsJson();
        }
        if (path.equals("/api/v1/executors")) {
            return store.executorsJson();
        }
        if (path.equals("/api/v1/memory")) {
            return store.memoryJson();
        }
        Matcher job = JOB.matcher(path);
        if (job.matches()) {
            return store.jobJson(Integer.parseInt(job.group(1)));
        }
        Matcher stage = STAGE.matcher(path);
        if (stage.matches()) {
            return store.stageJson(Integer.parseInt(stage.group(1)), Integer.parseInt(stage.group(2)));
        }
        return null;
    }

    private static void sendAsset(HttpExchange exchange, String name)
            throws IOException
    {
        try (InputStream in = UiServer.class.getResourceAsStream(name)) {
            if (in == null) {
                send(exchange, 404, "text/plain", "missing asset " + name + "\n");
                return;
            }
            String type = name.endsWith(".html") ? "text/html" : name.endsWith(".js") ? "text/javascript" : "text/css";
            send(exchange, 200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body)
            throws IOException
    {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
        threads.shutdownNow();
    }
}
