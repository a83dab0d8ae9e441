package dev.kvcap.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvcap.infer.Captioner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in headless Chromium: pick an image, read the caption and the other beams, hover a
 * word and see its heat-map. Skipped where Debian's {@code chromium} and {@code chromium-driver}
 * are not installed ({@code .ci/run} installs them). Leaves a screenshot in {@code
 * kvcap-core/target/serve-page.png}; {@code -Dkvcap.page.model=DIR -Dkvcap.page.image=FILE} use a trained
 * model and a real image for it (how {@code docs/serve-page.png} was made).
 */
class ServePageBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void pickingAnImageShowsItsCaptionAndHoveringAWordShowsItsHeatmap(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)");
        String modelProp = System.getProperty("kvcap.page.model");
        String imageProp = System.getProperty("kvcap.page.image");
        Path image = imageProp != null ? Path.of(imageProp) : Files.write(tmp.resolve("circle.png"), ServeFixture.image(128, 128, "png"));
        try (Captioner captioner = modelProp != null
                        ? Captioner.load(Path.of(modelProp))
                        : ServeFixture.tinyCaptioner(tmp.resolve("model"));
                CaptionServer server = new CaptionServer(captioner, ServeConfig.defaults().withPort(0)).start()) {
            assertTrue(server.awaitReady(60_000));
            ChromeDriver driver = chrome(tmp.resolve("profile"));
            try {
                driver.get(server.url());
                driver.findElement(By.id("file")).sendKeys(image.toAbsolutePath().toString());
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#caption .word")));
                List<WebElement> words = driver.findElements(By.cssSelector("#caption .word"));
                String caption = String.join(" ", words.stream().map(WebElement::getText).toList());
                assertFalse(caption.isBlank());
                assertEquals("", driver.findElement(By.id("error")).getText());
                assertTrue(driver.findElement(By.id("view")).getAttribute("src").startsWith("blob:"));
                int beam = captioner.defaults().beamSize();
                assertEquals(Math.max(1, beam - 1), driver.findElements(By.cssSelector("#beams li")).size());

                WebElement hovered = words.get(Math.min(2, words.size() - 1));
                new Actions(driver).moveToElement(hovered).perform();
                wait.until(d -> d.findElement(By.id("view")).getAttribute("src").startsWith("data:image/png;base64,"));
                assertTrue(hovered.getAttribute("class").contains("active"));

                Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
                Files.createDirectories(Path.of("target"));
                Files.copy(shot, Path.of("target/serve-page.png"), StandardCopyOption.REPLACE_EXISTING);
            } finally {
                driver.quit();
            }
        }
    }

    /** Headless Chromium through the system chromedriver; Selenium Manager never downloads. */
    private static ChromeDriver chrome(Path profile) {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        System.setProperty("SE_OFFLINE", "true");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1000,760",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                        .usingAnyFreePort()
                        .build();
        return new ChromeDriver(service, options);
    }
}
