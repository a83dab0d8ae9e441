package dev.kvcap.bank;

/**
 * What is in a bank, as {@code kvcap memory stats} prints it.
 *
 * @param entries live (key, value) pairs, including ones added but not yet committed
 * @param sources distinct {@link Entry#source()} values
 * @param words distinct value word ids
 * @param bytesOnDisk size of the index files in the bank directory
 * @param dim key width
 * @param modelId the model the bank was built for
 */
public record BankStats(long entries, long sources, long words, long bytesOnDisk, int dim, String modelId) {}
