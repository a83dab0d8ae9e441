package dev.kvcap.config;

import java.util.List;

/**
 * Shape of the KVM captioner: encoder, key-value memory, decoder and attention maps.
 *
 * <p>The encoder is a VGG-style stack: stage {@code i} has {@code convsPerStage[i]} 3×3
 * convolutions of {@code encoderWidths[i]} channels, each followed by ReLU, then a 2×2 max pool.
 * The last stage's output is the spatial grid (G×G regions, G = imageSize / 2^stages); its
 * flattened form goes through {@code fcDims} fully connected layers to the global vector.
 *
 * @param imageSize square input size in pixels; must be divisible by 2^stages
 * @param encoderWidths channels per stage (VGG-16: 64, 128, 256, 512, 512)
 * @param convsPerStage 3×3 convolutions per stage (VGG-16: 2, 2, 3, 3, 3)
 * @param batchNorm batch normalisation after each convolution; trains small data from scratch far
 *     faster, but plain VGG-16 weights have none
 * @param fcDims widths of the fully connected layers that make the global vector (VGG-16: 4096,
 *     4096)
 * @param embedDim word embedding width; also the key width of the memory, since keys start as word
 *     embeddings
 * @param hiddenDim width of both decoder LSTMs
 * @param attnDim width of the additive attention's hidden layer
 * @param useMemory whether the key-value memory is read by the decoder (ablation switch)
 * @param memorySlots number of key-value slots K
 * @param memoryValueDim width of each value
 * @param memoryControllerDim width of the memory's LSTM controller; 0 = none of its own: the
 *     decoder's LSTM-1, which reads the same word and image vector, drives the memory (its state
 *     makes the query, the erase and the add; docs/MEMORY-RETRIEVAL.md, "LSTM-1 as the controller")
 * @param useDeconvMaps whether attention goes through the stride-2 deconvolutions and the pixel
 *     softmax (ablation switch); off, attention is a plain softmax over the G×G regions
 * @param deconvChannels channels between the two transposed convolutions
 * @param dropout dropout on the decoder's output and the embeddings while training
 * @param globalProj when positive, the global vector is projected (linearly, once per image) to
 *     this width before LSTM-1 and the memory controller read it at every step: the same model
 *     with the global block of their input matrices constrained to this rank, and far fewer
 *     weights read per word when the global vector is wide (VGG-16: 4,096 → 512). 0 = off
 * @param memoryCells 0: the memory has {@code memorySlots} learned slots (keys initialised from
 *     frequent key words). Positive: a retrieval memory of this many cells per image, filled from
 *     the captions of its nearest images ({@link dev.kvcap.data.CellIndex}): key = a key word's
 *     embedding, value = its meaning and share; the decoder can also copy a cell's word
 *     (docs/MEMORY-RETRIEVAL.md)
 * @param memoryNeighbours how many nearest images fill a retrieval memory's cells
 * @param memoryFeatures how a retrieval memory finds an image's nearest ones ({@link
 *     dev.kvcap.data.ImageDescriptor}): {@code pixels}, {@code gradients} or {@code
 *     gradients+colour}
 * @param memoryVotePower how a retrieval memory's neighbours vote for its cells: each with weight
 *     max(0, cosine similarity)^power (normalised over the neighbours), so the nearest count most;
 *     0 = equal votes, what every retrieval memory used before the option
 * @param memoryWrite whether each step writes the memory's values back (erase and add, SPEC
 *     §2.2), so that they carry the caption's history; false keeps a retrieval memory's values the
 *     cells' meanings for the whole caption, a shorter step (docs/MEMORY-RETRIEVAL.md, "A memory
 *     that only reads")
 */
public record ModelConfig(
        int imageSize,
        List<Integer> encoderWidths,
        List<Integer> convsPerStage,
        boolean batchNorm,
        List<Integer> fcDims,
        int embedDim,
        int hiddenDim,
        int attnDim,
        boolean useMemory,
        int memorySlots,
        int memoryValueDim,
        int memoryControllerDim,
        boolean useDeconvMaps,
        int deconvChannels,
        float dropout,
        int globalProj,
        int memoryCells,
        int memoryNeighbours,
        String memoryFeatures,
        float memoryVotePower,
        boolean memoryWrite) {

    /** The values of {@code memoryFeatures}: the labels of {@code dev.kvcap.data.ImageDescriptor}. */
    public static final List<String> MEMORY_FEATURES = List.of("pixels", "gradients", "gradients+colour");

    public ModelConfig {
        encoderWidths = List.copyOf(encoderWidths);
        convsPerStage = List.copyOf(convsPerStage);
        fcDims = List.copyOf(fcDims);
    }

    public ModelConfig withImageSize(int size) {
        return new ModelConfig(
                size, encoderWidths, convsPerStage, batchNorm, fcDims, embedDim, hiddenDim, attnDim,
                useMemory, memorySlots, memoryValueDim, memoryControllerDim, useDeconvMaps,
                deconvChannels, dropout, globalProj, memoryCells, memoryNeighbours, memoryFeatures, memoryVotePower, memoryWrite);
    }

    /** The same model with the memory's cells retrieved ({@code cells} > 0, from that many neighbours) or learned (0). */
    public ModelConfig withMemoryCells(int cells, int neighbours) {
        return new ModelConfig(
                imageSize, encoderWidths, convsPerStage, batchNorm, fcDims, embedDim, hiddenDim, attnDim,
                useMemory, memorySlots, memoryValueDim, memoryControllerDim, useDeconvMaps,
                deconvChannels, dropout, globalProj, cells, neighbours, memoryFeatures, memoryVotePower, memoryWrite);
    }

    /** Whether the memory's cells come from the captions of each image's nearest neighbours (design (a)). */
    public boolean retrievalMemory() {
        return useMemory && memoryCells > 0;
    }

    /** Number of encoder stages (each halves the resolution). */
    public int stages() {
        return encoderWidths.size();
    }

    /** Side of the feature grid G: the image side after every stage's 2×2 pooling. */
    public int gridSize() {
        return imageSize >> stages();
    }

    /** Number of attention regions L = G². */
    public int regions() {
        return gridSize() * gridSize();
    }

    /** Channels of each region feature (the last stage's width). */
    public int regionDim() {
        return encoderWidths.get(stages() - 1);
    }

    /** Width of the global image vector (the last FC layer, or the flattened grid without one). */
    public int globalDim() {
        return fcDims.isEmpty() ? regions() * regionDim() : fcDims.get(fcDims.size() - 1);
    }

    /** Width of the image vector the decoder and the memory read each step. */
    public int contextDim() {
        return globalProj > 0 ? globalProj : globalDim();
    }

    /** Side of the attention heat-map: the grid lifted by two stride-2 deconvolutions. */
    public int mapSize() {
        return useDeconvMaps ? gridSize() * 4 : gridSize();
    }

    /**
     * The largest model.imageSize: 4.6× VGG-16's 224, far beyond what a CPU trains on, and far
     * below the sizes whose first layer alone cannot be allocated.
     */
    public static final int MAX_IMAGE_SIZE = 1024;

    /** Throws {@link IllegalArgumentException} with a one-line reason when the shape is impossible. */
    public ModelConfig validate() {
        require(!encoderWidths.isEmpty(), "model.encoderWidths must not be empty");
        require(
                encoderWidths.size() == convsPerStage.size(),
                "model.encoderWidths and model.convsPerStage must have the same length");
        requireOption(imageSize >= 8 && imageSize <= MAX_IMAGE_SIZE,
                "model.imageSize (--image-size) must be between 8 and " + MAX_IMAGE_SIZE + ", got " + imageSize);
        require(
                imageSize % (1 << stages()) == 0,
                "model.imageSize " + imageSize + " must be divisible by 2^" + stages());
        requirePositive("model.encoderWidths", encoderWidths);
        requirePositive("model.convsPerStage", convsPerStage);
        requirePositive("model.fcDims", fcDims);
        requirePositive("model.embedDim", embedDim);
        requirePositive("model.hiddenDim", hiddenDim);
        requirePositive("model.attnDim", attnDim);
        if (useMemory) { // without the memory its sizes are unused
            requirePositive("model.memorySlots", memorySlots);
            requirePositive("model.memoryValueDim", memoryValueDim);
            require(memoryControllerDim >= 0,
                    "model.memoryControllerDim must not be negative (0: the decoder's LSTM-1 drives the memory), got " + memoryControllerDim);
        }
        if (useDeconvMaps) {
            requirePositive("model.deconvChannels", deconvChannels);
        }
        require(dropout >= 0 && dropout < 1, "model.dropout must be in [0, 1)");
        require(globalProj >= 0, "model.globalProj must not be negative");
        require(memoryCells >= 0, "model.memoryCells must not be negative");
        require(memoryCells == 0 || memoryNeighbours > 0, "model.memoryNeighbours must be positive when model.memoryCells is");
        require(MEMORY_FEATURES.contains(memoryFeatures),
                "model.memoryFeatures must be one of " + String.join(", ", MEMORY_FEATURES) + ", got '" + memoryFeatures + "'");
        require(memoryVotePower >= 0 && memoryVotePower <= 64,
                "model.memoryVotePower must be in [0, 64], got " + memoryVotePower);
        return this;
    }

    private static void requirePositive(String key, int size) {
        require(size > 0, key + " must be positive, got " + size);
    }

    private static void requirePositive(String key, List<Integer> sizes) {
        require(sizes.stream().allMatch(n -> n > 0), key + " must be positive numbers, got " + sizes);
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** {@link #require} of a setting the command line gives too (its message names the option): exit 2. */
    static void requireOption(boolean ok, String message) {
        if (!ok) {
            throw new OptionException(message);
        }
    }
}
