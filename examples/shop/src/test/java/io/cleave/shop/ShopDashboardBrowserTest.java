package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cleave.deploy.SupervisorHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The supervisor's dashboard of the split shop, in real headless Chromium, at the address
 * {@code cleave dashboard} prints ({@link SupervisorHandle#dashboard()}), under a bounded load of
 * browsing and checkouts: every group and every edge between groups shows, a replica killed with
 * {@code kill -9} turns unhealthy on the page within 2 s and healthy again once the supervisor
 * restarted it, and a click on the slowest trace (a checkout, Payments made slow) draws its
 * waterfall with spans from several processes, and its log lines below. Screenshots in
 * {@code target/shop-dashboard-*.png}.
 */
class ShopDashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    /** The calls between groups the shop's component graph has (constructor parameters). */
    private static final List<String> EDGES = List.of(
            "Storefront->Users", "Storefront->Catalog+Recommendations", "Storefront->Inventory", "Storefront->Cart",
            "Storefront->Notifications+Checkout", "Cart->Catalog+Recommendations", "Notifications+Checkout->Cart",
            "Notifications+Checkout->Inventory", "Notifications+Checkout->Payments",
            "Notifications+Checkout->Catalog+Recommendations");
    private static final List<String> GROUPS = List.of("Storefront", "Users", "Catalog+Recommendations", "Cart", "Inventory",
            "Notifications+Checkout", "Payments", "gateway");

    /** The slow traces are checkouts; the one with the most spans went all the way to Payments. */
    private static final String CLICK_SLOW_CHECKOUT = "const rows = [...document.querySelectorAll('#traces tr.trace')]"
            + ".filter(r => r.cells[1].textContent === 'POST /api/orders')"
            + ".sort((a, b) => parseInt(b.cells[3].textContent) - parseInt(a.cells[3].textContent));"
            + " if (rows.length) { rows[0].click(); } return rows.length > 0;";

    private static WebDriver browser;
    private static Path profile;
    private static SplitShop shop;
    private static Path directory;

    @BeforeAll
    static void start() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            String message = "Chromium or its driver is missing; install them with: apt-get install -y chromium chromium-driver";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message + "; CI=true requires them");
            }
            System.err.println("!!! SKIPPING browser test: " + message);
            Assumptions.abort(message);
        }
        directory = Files.createDirectories(Path.of("target", "shop-dashboard-" + UUID.randomUUID()).toAbsolutePath());
        // Cart keeps its two replicas (the test kills Cart/1); the other groups run one each, fewer JVMs to start
        shop = SplitShop.start(directory, Optional.empty(), Map.of(
                "observe.trace-sample-ratio", "1.0",
                "Payments.latency", "\"150ms\"",
                "multi.replicas.Storefront", "1", "multi.replicas.Catalog", "1", "multi.replicas.Recommendations", "1"));
        profile = Files.createTempDirectory("shop-dashboard-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,1400", "--user-data-dir=" + profile);
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (shop != null) {
            shop.close();
        }
    }

    @Test
    void showsTheSplitShopUnderLoadAKilledReplicaAndTheWaterfallOfASlowCheckout() throws Exception {
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger orders = new AtomicInteger();
        Thread load = Thread.ofVirtual().start(() -> browseAndBuy(loading, orders));
        try {
            String address = SupervisorHandle.find(directory.resolve("state"), Optional.of("shop")).dashboard().orElseThrow();
            assertThat(address).startsWith("http://127.0.0.1:").contains("/dashboard#token=");
            browser.get(address);
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.ignoring(StaleElementReferenceException.class); // the page is redrawn every second

            for (String group : GROUPS) {
                wait.until(b -> !b.findElements(By.id("group-" + group)).isEmpty());
            }
            for (String edge : EDGES) {
                wait.until(b -> !b.findElements(By.id("graph-edge-" + edge)).isEmpty());
            }
            wait.until(b -> rate(b, "Notifications+Checkout->Payments.charge") > 0 && rate(b, "Storefront->Catalog.search") > 0);
            int replicas = shop.replicas().size(); // the gateway's too
            assertThat(replicas).as("replicas: one per group but Cart's two, and the gateway's").isEqualTo(GROUPS.size() + 1);
            wait.until(b -> b.findElements(By.cssSelector("circle.replica.healthy")).size() == replicas);
            assertThat(browser.getCurrentUrl()).as("the secret is taken out of the address bar").doesNotContain("token");
            screenshot("shop-dashboard");

            long victim = shop.pid("Cart", 1);
            ProcessHandle.of(victim).orElseThrow().destroyForcibly(); // kill -9
            long killed = System.nanoTime();
            new WebDriverWait(browser, Duration.ofSeconds(2), Duration.ofMillis(50))
                    .until(b -> hasClass(b, "replica-Cart-1", "unhealthy"));
            long shownAfter = (System.nanoTime() - killed) / 1_000_000;
            screenshot("shop-dashboard-killed");
            System.out.println("kill -9 of Cart/1 (pid " + victim + ") to unhealthy on the page: " + shownAfter + " ms");
            assertThat(shownAfter).as("ms from kill -9 to unhealthy on the page").isLessThanOrEqualTo(2_000);

            wait.until(b -> hasClass(b, "replica-Cart-1", "healthy")
                    && b.findElement(By.cssSelector("#row-replica-Cart-1 td.restarts")).getText().equals("1"));
            assertThat(shop.pid("Cart", 1)).as("a new process").isNotEqualTo(victim);
            screenshot("shop-dashboard-restarted");

            wait.until(b -> (Boolean) ((JavascriptExecutor) b).executeScript(CLICK_SLOW_CHECKOUT));
            wait.until(b -> b.findElements(By.cssSelector("#waterfall .bar")).size() >= 3
                    && b.findElement(By.id("logs")).getText().startsWith("Log lines of this trace"));
            ((JavascriptExecutor) browser).executeScript("document.getElementById('traces').scrollIntoView()");
            screenshot("shop-dashboard-waterfall");
            String waterfall = browser.findElement(By.id("waterfall")).getText();
            assertThat(waterfall).contains("POST /api/orders", "Checkout.placeOrder", "Payments.charge");
            Set<String> processes = new HashSet<>();
            for (WebElement bar : browser.findElements(By.cssSelector("#waterfall .bar"))) {
                processes.add(bar.getDomAttribute("title").replaceAll(".* in ", ""));
            }
            // a span is made by the caller: the storefront's calls, and those checkout makes in its own process
            assertThat(processes).as("spans gathered from the storefront's and checkout's processes")
                    .contains("Notifications+Checkout/0")
                    .containsAnyOf("Storefront/0", "Storefront/1");
            assertThat(orders.get()).as("checkouts placed under load").isPositive();
        } catch (RuntimeException | AssertionError e) {
            screenshot("shop-dashboard-failed");
            throw new AssertionError("the page said: " + browser.findElement(By.id("updated")).getText(), e);
        } finally {
            loading.set(false);
            load.join(30_000);
        }
    }

    /** A bounded load: a customer browsing and, every fourth round, buying; 20 rounds a second at most. */
    private static void browseAndBuy(AtomicBoolean loading, AtomicInteger orders) {
        ShopClient client = shop.client();
        String token = client.signUp("dashboard-" + UUID.randomUUID() + "@example.com");
        for (int i = 0; i < 20_000 && loading.get(); i++) {
            try {
                JsonNode product = client.findInStock("oak", 1);
                client.get("/api/products/" + product.get("id").asText(), null);
                if (i % 4 == 0 && client.addToCart(token, product.get("id").asText(), 1).status() < 300
                        && client.placeOrder(token, UUID.randomUUID().toString(), "4242 4242 4242 4242").status() == 201) {
                    orders.incrementAndGet();
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | AssertionError e) {
                // a call while Cart/1 is down may fail: the load goes on
            }
        }
    }

    /** Read in one step: the page redraws twice a second, and an element found may be gone when next asked. */
    private static boolean hasClass(WebDriver b, String id, String name) {
        Object classes = ((JavascriptExecutor) b).executeScript(
                "const e = document.getElementById(arguments[0]); return e ? e.getAttribute('class') : '';", id);
        return Set.of(String.valueOf(classes).split(" ")).contains(name);
    }

    private static double rate(WebDriver b, String edge) {
        List<WebElement> rows = b.findElements(By.id("edge-" + edge));
        return rows.isEmpty() ? 0 : Double.parseDouble(rows.get(0).findElement(By.cssSelector("td.rate")).getText());
    }

    private static void screenshot(String name) throws IOException {
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
