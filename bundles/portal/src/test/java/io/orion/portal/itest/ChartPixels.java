package io.orion.portal.itest;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/**
 * What a screenshot of a chart shows: how many pixels have a series colour, and over how many
 * rows they spread. A chart that drew only its axes and grid has none of the colour; a flat line
 * covers two or three rows, a line that moved with the data many.
 */
record ChartPixels(int width, int height, int matching, int rows) {

    /** Counts pixels within {@code tolerance} (per channel) of {@code rgb} in a PNG. */
    static ChartPixels of(byte[] png, int rgb, int tolerance) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException("the screenshot is not a readable PNG", e);
        }
        if (image == null) throw new AssertionError("the screenshot is not a PNG");
        int r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
        int matching = 0, rows = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            int inRow = 0;
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                if (Math.abs((p >> 16 & 0xff) - r) <= tolerance && Math.abs((p >> 8 & 0xff) - g) <= tolerance
                        && Math.abs((p & 0xff) - b) <= tolerance) inRow++;
            }
            matching += inRow;
            if (inRow > 0) rows++;
        }
        return new ChartPixels(image.getWidth(), image.getHeight(), matching, rows);
    }
}
