package dev.kvcap.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.kvcap.config.ConfigJson;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.data.ImageDecodeException;
import dev.kvcap.data.ImageLoader;
import dev.kvcap.bank.MemoryBank;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.RerankSettings;
import dev.kvcap.infer.Retrieval;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caption service: a Javalin (Jetty) server over one {@link Captioner}.
 *
 * <p>Routes: {@code POST /v1/captions}, {@code GET /v1/model}, {@code GET /healthz}, {@code GET
 * /readyz}, {@code GET /metrics}, {@code GET /} (the page). Errors are JSON {@code {"error":
 * "<one line>", "status": N}}, never a stack trace. Requests go through {@link CaptionBatcher};
 * {@link #close} finishes the requests in flight before stopping.
 */
public final class CaptionServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CaptionServer.class);
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private static final Set<String> ROUTES =
            Set.of("/", "/v1/captions", "/v1/model", "/v1/memory", "/healthz", "/readyz", "/metrics");
    private static final Set<String> CAPTION_OPTIONS = Set.of("beam", "max_len", "heatmaps", "remember");
    private static final Set<String> TEACH_OPTIONS = Set.of("caption");

    private final Captioner captioner;
    private final ServeConfig config;
    private final DecodeConfig defaults;
    private final ServeMetrics metrics;
    private final CaptionBatcher batcher;
    private final String modelId;
    private final String page;
    /** Decoding a large upload costs memory: at most this many at once. */
    private final Semaphore decoding = new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()));
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean ready;
    private volatile boolean draining;
    private volatile String notReadyReason = "warming up";
    private Javalin app;
    private volatile Retrieval retrieval;
    private final RerankSettings rerank; // null: the model's own captions
    private MemoryEndpoints memory;

    /** A server decoding with the model's own settings unless a request says otherwise. */
    public CaptionServer(Captioner captioner, ServeConfig config) {
        this(captioner, config, captioner.defaults());
    }

    /**
     * @param decode default decoding settings (the command's --beam / --max-len)
     */
    public CaptionServer(Captioner captioner, ServeConfig config, DecodeConfig decode) {
        this(captioner, config, decode, null, null);
    }

    /**
     * With {@code rerank}: each answer's caption is chosen as {@code kvcap caption --rerank}
     * chooses it ({@link Captioner#rerank}); the answer keeps the model's own caption, which its
     * per-word data describe, as {@code model_caption}. Null: the model's own captions.
     *
     * @throws IllegalArgumentException when the model keeps no training captions to choose from
     */
    public CaptionServer(Captioner captioner, ServeConfig config, DecodeConfig decode, RerankSettings rerank) {
        this(captioner, config, decode, null, rerank);
    }

    /** With another model call in place of the captioner's (tests slow it down to fill the queue). */
    CaptionServer(
            Captioner captioner, ServeConfig config, DecodeConfig decode, CaptionBatcher.Forward forward) {
        this(captioner, config, decode, forward, null);
    }

    private CaptionServer(
            Captioner captioner, ServeConfig config, DecodeConfig decode, CaptionBatcher.Forward forward, RerankSettings rerank) {
        if (rerank != null) {
            captioner.checkRerank(rerank);
        }
        this.captioner = captioner;
        this.rerank = rerank;
        this.defaults = decode.validate();
        this.config = config.validate();
        this.metrics = new ServeMetrics(config.maxBatch());
        CaptionBatcher.Forward model =
                forward != null
                        ? forward
                        : (pixels, d, attention) -> captioner.caption(pixels, d, attention, retrieval);
        CaptionBatcher.Choose choose = rerank == null ? null : (pixels, own) -> captioner.rerank(pixels, own, rerank, retrieval);
        this.batcher = new CaptionBatcher(model, choose, config, metrics);
        this.modelId = modelId(captioner);
        this.page = resource("index.html");
        metrics.inFlight(inFlight::get);
    }

    /**
     * Reads {@code bank} while decoding (through {@code retrieval}) and opens the memory routes
     * ({@code POST/GET /v1/memory}, {@code remember=true}). Call before {@link #start}.
     */
    public CaptionServer withMemory(MemoryBank bank, Retrieval retrieval) {
        this.memory = new MemoryEndpoints(captioner, bank);
        this.retrieval = retrieval;
        return this;
    }

    /** Binds the port, then warms the model up in the background; {@code /readyz} says when. */
    public CaptionServer start() {
        // tried first with a plain socket, so that a taken port is kvcap's one line and not also Javalin's logged error
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(config.host(), config.port()));
        } catch (java.io.IOException | RuntimeException e) {
            throw cannotListen(e);
        }
        try {
            app = Javalin.create(this::configure).start(config.host(), config.port());
        } catch (RuntimeException e) {
            throw cannotBind(e) ? cannotListen(e) : e;
        }
        Thread warm = new Thread(this::warmUp, "kvcap-warmup");
        warm.setDaemon(true);
        warm.start();
        return this;
    }

    private java.io.UncheckedIOException cannotListen(Exception e) {
        return new java.io.UncheckedIOException("cannot listen on " + config.host() + " port " + config.port()
                + ": the port is in use or the host is not an address of this machine; choose another --port or --host",
                new java.io.IOException(e.getMessage(), e));
    }

    /** Whether {@code e} says the server could not bind its address (Javalin wraps Jetty's error). */
    private static boolean cannotBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.BindException || t instanceof java.nio.channels.UnresolvedAddressException
                    || t.getClass().getSimpleName().contains("Bind")) {
                return true;
            }
        }
        return false;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return app.port();
    }

    /** Where the service listens, e.g. {@code http://127.0.0.1:8080/}. */
    public String url() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + host + ":" + port() + "/";
    }

    /** Waits up to {@code ms} for the warm-up; true once ready. */
    public boolean awaitReady(long ms) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (!ready && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return ready;
    }

    /** Whether {@code /readyz} answers 200: warmed up and not shutting down. */
    public boolean isReady() {
        return ready;
    }

    /** Requests waiting for the model. */
    int queued() {
        return batcher.queued();
    }

    /** A stable id of the loaded model: preset, vocabulary size and a hash of config + vocabulary. */
    public String modelId() {
        return modelId;
    }

    private void configure(JavalinConfig c) {
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.http.maxRequestSize = config.maxBodyBytes();
        c.http.prefer405over404 = true;
        c.jetty.multipartConfig.maxFileSize(config.maxBodyBytes(), SizeUnit.BYTES);
        c.jetty.multipartConfig.maxTotalRequestSize(config.maxBodyBytes(), SizeUnit.BYTES);
        c.jetty.multipartConfig.maxInMemoryFileSize((int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes()), SizeUnit.BYTES);
        if (config.corsOrigin() != null) {
            c.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                if (ServeConfig.ANY_ORIGIN.equals(config.corsOrigin())) {
                    rule.anyHost();
                } else {
                    rule.allowHost(config.corsOrigin());
                }
            }));
        }
        c.requestLogger.http((ctx, ms) -> metrics.request(
                ctx.method().name(), route(ctx), ctx.statusCode(), (long) (ms * 1e6)));
        c.routes.get("/", this::page);
        c.routes.post("/v1/captions", this::caption);
        c.routes.get("/v1/model", this::model);
        c.routes.post("/v1/memory", this::teach);
        c.routes.get("/v1/memory", ctx -> json(ctx, 200, memory().stats()));
        c.routes.get("/healthz", ctx -> json(ctx, 200, status("ok")));
        c.routes.get("/readyz", this::readiness);
        c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        JsonErrors.install(c, metrics);
    }

    private static String route(Context ctx) {
        String path = ctx.path();
        return ROUTES.contains(path) ? path : "other";
    }

    private void page(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data: blob:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'");
        ctx.contentType("text/html; charset=utf-8").result(page);
    }

    private void caption(Context ctx) {
        long start = System.nanoTime();
        inFlight.incrementAndGet(); // before the draining check: close() waits for this request
        try {
            if (draining) {
                metrics.rejected("shutting_down");
                throw ApiException.overloaded("the service is shutting down");
            }
            if (!ready) {
                throw ApiException.overloaded("the model is " + notReadyReason);
            }
            QueryOptions options = QueryOptions.parse(ctx.queryString(), CAPTION_OPTIONS);
            DecodeConfig decode = decodeOptions(options);
            boolean heatmaps = options.flag("heatmaps");
            boolean remember = options.flag("remember");
            if (remember) {
                memory().requireWritable(); // 404 / 403 before any work when the service has no bank or cannot write it
            }
            byte[] body = Uploads.read(ctx, config.maxBodyBytes());
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(config.timeoutMs());
            BufferedImage base;
            byte[] pixels;
            if (!acquire(decoding, deadline)) {
                throw timedOut();
            }
            try {
                BufferedImage image = ImageLoader.readRgb(body, "image", config.maxPixels());
                pixels = captioner.prepare(image);
                base = heatmaps ? CaptionJson.heatmapBase(image) : null;
            } catch (ImageDecodeException e) {
                throw new ApiException(400, e.getMessage());
            } finally {
                decoding.release();
            }
            long decoded = System.nanoTime();
            CaptionBatcher.Result result = await(batcher.submit(pixels, decode, heatmaps), deadline);
            long captioned = System.nanoTime();
            JsonObject out = CaptionJson.of(result.caption(), base, decode, modelId);
            if (result.chosen() != null) { // the per-word data stay the model's own caption's
                out.addProperty("caption", result.chosen());
                out.addProperty("model_caption", result.caption().text());
                out.addProperty("rerank", rerank.neighbours());
            }
            if (remember) {
                out.addProperty(
                        "remembered",
                        memory.remember("remember", body, pixels, result.caption().words()).added());
            }
            long done = System.nanoTime();
            JsonObject timing = new JsonObject();
            timing.addProperty("decode_ms", ms(decoded - start));
            timing.addProperty("queue_ms", ms(result.queuedNanos()));
            timing.addProperty("model_ms", ms(result.modelNanos()));
            timing.addProperty("heatmaps_ms", ms(done - captioned));
            timing.addProperty("total_ms", ms(done - start));
            timing.addProperty("batch_size", result.batchSize());
            out.add("timing", timing);
            json(ctx, 200, out);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private CaptionBatcher.Result await(
            java.util.concurrent.CompletableFuture<CaptionBatcher.Result> future, long deadline) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(false); // the worker skips it if it has not started yet
            throw timedOut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.overloaded("interrupted while waiting for the model");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new ApiException(500, "captioning failed");
        }
    }

    private ApiException timedOut() {
        metrics.rejected("timeout");
        return ApiException.overloaded("timed out after " + config.timeoutMs() + " ms waiting for the model");
    }

    private static boolean acquire(Semaphore s, long deadline) {
        try {
            return s.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private DecodeConfig decodeOptions(QueryOptions options) {
        DecodeConfig d = defaults;
        Integer beam = options.wholeNumber("beam", config.maxBeam());
        if (beam != null) {
            d = d.withBeamSize(beam);
        }
        Integer maxLen = options.wholeNumber("max_len", config.maxLen());
        if (maxLen != null) {
            d = d.withMaxLen(maxLen);
        }
        try {
            return d.validate();
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    private MemoryEndpoints memory() {
        if (memory == null) {
            throw new ApiException(404, "this service has no memory bank (start it with --memory on or auto, on a model directory it can write)");
        }
        return memory;
    }

    private void teach(Context ctx) {
        MemoryEndpoints m = memory();
        m.requireWritable();
        String caption = QueryOptions.parse(ctx.queryString(), TEACH_OPTIONS).required("caption", "a caption of one word or more");
        List<String> words = MemoryEndpoints.words(caption); // refused before the upload is read
        byte[] body = Uploads.read(ctx, config.maxBodyBytes());
        byte[] pixels;
        try {
            pixels = captioner.prepare(ImageLoader.readRgb(body, "image", config.maxPixels()));
        } catch (ImageDecodeException e) {
            throw new ApiException(400, e.getMessage());
        }
        json(ctx, 200, m.teach(pixels, body, words));
    }

    private void model(Context ctx) {
        var saved = captioner.model();
        JsonObject o = new JsonObject();
        o.addProperty("id", modelId);
        o.addProperty("vocab_size", saved.vocab().size());
        o.addProperty("image_size", saved.config().model().imageSize());
        o.addProperty("map_size", saved.config().model().mapSize());
        JsonObject precision = new JsonObject(); // --precision and --decoder-precision
        precision.addProperty("encoder", captioner.precision().name().toLowerCase(Locale.ROOT));
        precision.addProperty("decoder", captioner.decoderPrecision().name().toLowerCase(Locale.ROOT));
        o.add("precision", precision);
        o.add("config", JsonParser.parseString(ConfigJson.toJson(saved.config())));
        JsonObject limits = new JsonObject();
        limits.addProperty("max_beam", config.maxBeam());
        limits.addProperty("max_len", config.maxLen());
        limits.addProperty("max_body_bytes", config.maxBodyBytes());
        limits.addProperty("max_pixels", config.maxPixels());
        limits.addProperty("max_batch", config.maxBatch());
        o.add("limits", limits);
        json(ctx, 200, o);
    }

    private void readiness(Context ctx) {
        if (ready && !draining) {
            json(ctx, 200, status("ready"));
        } else {
            JsonObject o = status("not ready");
            o.addProperty("reason", draining ? "shutting down" : notReadyReason);
            json(ctx, 503, o);
        }
    }

    private void warmUp() {
        try {
            int s = captioner.model().config().model().imageSize();
            byte[] grey = new byte[3 * s * s];
            java.util.Arrays.fill(grey, (byte) 128);
            batcher.submit(grey, defaults, true).get(config.timeoutMs() * 10L, TimeUnit.MILLISECONDS);
            ready = true;
        } catch (Exception e) {
            notReadyReason = "failing its warm-up (" + e.getClass().getSimpleName() + ")";
            LOG.error("warm-up failed", e);
        }
    }

    /**
     * Graceful shutdown: {@code /readyz} turns 503, new caption requests get 503, requests in
     * flight are finished (up to the request timeout), then the server stops.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        draining = true;
        ready = false;
        batcher.stopAccepting();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.timeoutMs());
        while (inFlight.get() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        batcher.shutdown(config.timeoutMs());
        if (app != null) {
            app.stop();
        }
    }

    private static JsonObject status(String s) {
        JsonObject o = new JsonObject();
        o.addProperty("status", s);
        return o;
    }

    private static void json(Context ctx, int status, JsonElement body) {
        ctx.status(status).contentType("application/json").result(GSON.toJson(body));
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    private static String modelId(Captioner captioner) {
        var saved = captioner.model();
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ConfigJson.toJson(saved.config()).getBytes(StandardCharsets.UTF_8));
            sha.update(saved.vocab().toJson().getBytes(StandardCharsets.UTF_8));
            String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 12);
            return "kvcap-" + saved.config().preset() + "-v" + saved.vocab().size() + "-" + hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = CaptionServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
