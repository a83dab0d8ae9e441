package dev.kvcap.cli;

import dev.kvcap.bank.MemoryBank;
import dev.kvcap.config.DecodeConfig;
import dev.kvcap.config.OptionException;
import dev.kvcap.infer.Captioner;
import dev.kvcap.infer.RerankSettings;
import dev.kvcap.serve.CaptionServer;
import dev.kvcap.serve.ServeConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve captions over HTTP, with a web page to drop an image on.",
            "Routes: POST /v1/captions, GET /v1/model, /v1/memory, /healthz, /readyz, /metrics, and /.",
            "Binds 127.0.0.1 unless --host says otherwise.",
            "Stops gracefully on Ctrl-C / SIGTERM, finishing the requests in flight."
        })
final class ServeCommand implements Callable<Integer> {

    @Mixin EngineOptions engine;

    @Mixin ModelOptions modelOptions;

    @Mixin RerankOption rerank;

    @Option(names = "--host", paramLabel = "ADDR", description = "Interface to bind (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "N", description = "Port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port = 8080;

    @Option(names = "--max-batch", paramLabel = "N", description = "Most requests per forward pass; 1 turns micro-batching off (default: ${DEFAULT-VALUE}).")
    int maxBatch = 8;

    @Option(names = "--max-wait-ms", paramLabel = "MS", description = "How long a batch waits to fill up (default: ${DEFAULT-VALUE}).")
    int maxWaitMs = 5;

    @Option(names = "--queue", paramLabel = "N", description = "Requests waiting for the model before 503 (default: ${DEFAULT-VALUE}).")
    int queue = 64;

    @Option(names = "--max-body-mb", paramLabel = "MB", description = "Largest upload; more is 413 (default: ${DEFAULT-VALUE}).")
    int maxBodyMb = 10;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Per-request time limit; past it 503 (default: ${DEFAULT-VALUE}).")
    int timeoutMs = 30_000;

    @Option(names = "--cors", paramLabel = "ORIGIN", description = "Allow this origin cross-site (default: no CORS).")
    String cors;

    @Override
    public Integer call() throws Exception {
        if (maxBodyMb < 1) {
            throw new OptionException("--max-body-mb must be at least 1");
        }
        ServeConfig base = ServeConfig.defaults();
        ServeConfig config =
                base.withHost(host)
                        .withPort(port)
                        .withBatching(maxBatch, maxWaitMs)
                        .withLimits(queue, (long) maxBodyMb << 20, timeoutMs)
                        .withCors(cors)
                        .validate();
        Activity.now("loading the model " + modelOptions.model);
        try (Captioner captioner = Models.load(modelOptions.model, modelOptions.precision(), modelOptions.decoderPrecision())) {
            DecodeConfig decode = modelOptions.decode(captioner.defaults());
            RerankSettings choose = rerank.settings(decode).orElse(null);
            CaptionServer server = new CaptionServer(captioner, config, decode, choose);
            if (choose != null) {
                // a chosen caption has no per-word data (log-probabilities, attention): those stay the model's own
                System.err.println("kvcap: answering with captions chosen among the " + choose.neighbours() + " nearest training images' captions"
                        + (rerank.given() ? "" : " (the model's decode.rerank)")
                        + "; each answer's model_caption, tokens and heat-maps are the model's own caption's (--rerank 0: the model's own captions)");
            }
            // The service keeps the bank open for writing (teach / remember) unless --memory off, or
            // read-only where the model directory cannot be written.
            MemoryBank bank =
                    modelOptions.memory.equals("off") ? null : Banks.forServing(modelOptions.model, captioner).orElse(null);
            if (bank != null) {
                server.withMemory(bank, Banks.retrieval(bank, modelOptions));
                System.err.println("kvcap: memory bank " + Banks.dir(modelOptions.model) + " (" + bank.size() + " entries"
                        + (bank.isReadOnly() ? ", read-only: the model directory cannot be written, or another process is writing the bank; teaching is refused" : "") + ")");
            } else if (modelOptions.memory.equals("on")) {
                throw new IllegalArgumentException("--memory on: " + modelOptions.model
                        + " has no memory bank, and the service cannot write its directory to make one (use --memory auto to serve without)");
            } else if (!modelOptions.memory.equals("off")) {
                System.err.println("kvcap: no memory bank, and the model directory cannot be written to make one: teaching is refused");
            }
            Activity.now("starting the server on " + config.host() + ":" + config.port());
            server.start();
            System.err.println("kvcap: serving " + server.modelId() + " at " + server.url() + " (warming up; GET /readyz)");
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.err.println("kvcap: shutting down, finishing requests in flight");
                server.close();
                if (bank != null) {
                    bank.close();
                }
                stopped.countDown();
            }, "kvcap-shutdown"));
            stopped.await();
        }
        return 0;
    }
}
