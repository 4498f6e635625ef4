package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.shop.storefront.Storefront;
import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A person's visit in real headless Chromium: sign up, browse, open a product, add it to the
 * cart, check out, and land on the confirmed order. Needs Debian's chromium and
 * chromium-driver; outside CI it is skipped loudly when they are missing, under CI=true it fails.
 * One topology: the browser sees only HTTP, which the other test classes cover in every topology.
 */
@CleaveTest(config = ShopSettings.CONFIG, settings = ShopSettings.class, topologies = "single")
class StorefrontBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void openBrowser() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            String message = "Chromium or its driver is missing (" + CHROMIUM + ", " + DRIVER
                    + "); install them with: apt-get install -y chromium chromium-driver";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message + "; CI=true requires them");
            }
            System.err.println("!!! SKIPPING browser test: " + message);
            Assumptions.abort(message);
        }
        profile = Files.createTempDirectory("shop-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        // the console, where Chromium reports what the Content-Security-Policy blocked
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        // the driver path is given, so Selenium Manager never tries to download one
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @TopologyTest
    void visitorSignsUpBrowsesAddsToCartAndChecksOut(Storefront storefront) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        browser.get(new ShopClient(storefront).base().resolve("/#/signup").toString());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("name"))).sendKeys("Browser Customer");
        browser.findElement(By.id("email")).sendKeys("browser-" + UUID.randomUUID() + "@example.com");
        browser.findElement(By.id("password")).sendKeys("correct horse battery");
        browser.findElement(By.id("signup-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("whoami")));

        browser.findElement(By.id("search-input")).sendKeys("bamboo");
        browser.findElement(By.cssSelector("#search button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("result-summary"), "bamboo"));
        WebElement inStock = browser.findElements(By.cssSelector("[data-test=product-card]")).stream()
                .filter(card -> card.findElement(By.cssSelector("button[data-add]")).isEnabled())
                .findFirst().orElseThrow();
        String productName = inStock.findElement(By.cssSelector(".name")).getText();
        inStock.findElement(By.cssSelector("a.name")).click();
        wait.until(ExpectedConditions.textToBe(By.id("product-name"), productName));
        browser.findElement(By.id("add-to-cart")).click();
        wait.until(ExpectedConditions.textToBe(By.id("cart-count"), "1"));

        browser.findElement(By.id("cart-link")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("checkout"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("place-order"))).click();
        WebElement status = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("order-status")));

        assertThat(status.getText()).isEqualTo("CONFIRMED");
        assertThat(browser.findElements(By.cssSelector("[data-test=order-line]")))
                .singleElement().satisfies(line -> assertThat(line.getText()).contains(productName));
        assertThat(browser.getCurrentUrl()).contains("#/orders/");
        List<String> console = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage).toList();
        assertThat(console).as("the browser's console").noneMatch(m -> m.contains("Content Security Policy"));
    }

    @TopologyTest
    void thePageIsServedWithAContentSecurityPolicy(Storefront storefront) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(new ShopClient(storefront).base().resolve("/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
                    .contains("script-src 'self';").contains("frame-ancestors 'none'");
            assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        }
    }
}
