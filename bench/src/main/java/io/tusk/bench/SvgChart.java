package io.tusk.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart of the suite's results: one group per workload, one bar per peer, the
 * bar's length its median time relative to Tusk's (Tusk = 1, longer = slower than Tusk). Each peer
 * has its colour, in the order of the peers given ({@code Suite}'s: Tusk, the LocalJobRunner
 * default and tuned, Spark local[2], the user-code floor, the streaming floor).
 */
final class SvgChart
{
    private static final String[] COLOURS = {"#1b6ca8", "#e07b39", "#c43c3c", "#4f9d69", "#8a63b8", "#777777"};
    private static final int LABEL_WIDTH = 230;
    private static final int BAR_AREA = 520;
    private static final int BAR_HEIGHT = 16;

    private SvgChart() {}

    record Bar(String workload, String peer, double ratio, double seconds) {}

    static void write(Path file, String title, List<Bar> bars, List<String> peers)
            throws IOException
    {
        double maxRatio = bars.stream().mapToDouble(Bar::ratio).max().orElse(1);
        double scale = BAR_AREA / Math.max(1.0, maxRatio);
        StringBuilder svg = new StringBuilder();
        int y = 50;
        StringBuilder body = new StringBuilder();
        String workload = null;
        for (Bar bar : bars) {
            if (!bar.workload().equals(workload)) {
                workload = bar.workload();
                y += 10;
                body.append(text(10, y + 12, workload, "bold"));
                y += 18;
            }
            int colour = Math.max(0, peers.indexOf(bar.peer())) % COLOURS.length;
            int width = (int) Math.max(1, Math.round(bar.ratio() * scale));
            body.append(text(20, y + 12, bar.peer(), "normal"));
            body.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                    LABEL_WIDTH, y, width, BAR_HEIGHT, COLOURS[colour]));
            body.append(text(LABEL_WIDTH + width + 6, y + 12, String.format(Locale.ROOT, "%.2fx  (%.2f s)", bar.ratio(), bar.seconds()), "normal"));
            y += BAR_HEIGHT + 4;
        }
        int oneX = LABEL_WIDTH + (int) Math.round(scale);
        int width = LABEL_WIDTH + BAR_AREA + 150;
        int height = y + 20;
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(text(10, 20, title, "bold"));
        svg.append(text(10, 38, "median time relative to Tusk (1.00x = Tusk; longer bar = slower than Tusk; the user-code floor's bar is the engine efficiency)",
                "normal"));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"45\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" stroke-dasharray=\"4,3\"/>%n", oneX, oneX, height - 10));
        svg.append(body);
        svg.append("</svg>\n");
        Files.writeString(file, svg, StandardCharsets.UTF_8);
    }

    private static String text(int x, int y, String content, String weight)
    {
        String escaped = content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"%s\">%s</text>%n", x, y, weight, escaped);
    }
}
