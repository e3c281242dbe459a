package io.orion.console.internal;

import java.util.ArrayList;
import java.util.List;

/** Plain-text table with aligned columns, as the console prints it. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... header) {
        columns = header.length;
        rows.add(header);
    }

    Table row(Object... cells) {
        if (cells.length != columns) throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + columns);
        String[] r = new String[columns];
        for (int i = 0; i < columns; i++) r[i] = cells[i] == null ? "" : cells[i].toString();
        rows.add(r);
        return this;
    }

    boolean isEmpty() { return rows.size() == 1; }

    @Override
    public String toString() {
        int[] width = new int[columns];
        for (String[] r : rows) for (int i = 0; i < columns; i++) width[i] = Math.max(width[i], r[i].length());
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                if (i == columns - 1) b.append(r[i]);
                else b.append(String.format("%-" + (width[i] + 2) + "s", r[i]));
            }
            while (b.length() > 0 && b.charAt(b.length() - 1) == ' ') b.setLength(b.length() - 1);
            b.append('\n');
        }
        return b.toString();
    }
}
