"""The class taxonomy of HierarchicalClassifier, parsed into a tree.

A taxonomy is a dict parent -> children, a child being a list of class labels
(the leaves) or a dict of sub-nodes. :class:`Tree` checks it against the
classes of ``y`` and lays it out as flat arrays in breadth-first order.
"""

from collections.abc import Mapping
from numbers import Integral

import numpy as np

ROOT = "root"


def _is_leaf_sequence(value) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


class Tree:
    """The parsed taxonomy: nodes in breadth-first order, root first.

    ``names[i]`` is the node name (``ROOT`` for node 0), ``parent[i]`` its
    parent index (-1 for the root), ``children[i]`` the list of child indices
    and ``depth[i]`` its depth (root 0). Leaves are the nodes without
    children; their names are the class labels.
    """

    def __init__(self, taxonomy, classes):
        self.names = [ROOT]
        self.parent = [-1]
        self.children = [[]]
        self.depth = [0]
        where = {}  # leaf -> parent name, to report duplicates
        if taxonomy is None:
            for leaf in classes:
                self._add(leaf, 0)
        else:
            self._parse(taxonomy, 0, where)
        # breadth-first order is guaranteed by _parse's queue
        self.parent = np.asarray(self.parent)
        self.depth = np.asarray(self.depth)
        self.is_leaf = np.array([len(c) == 0 for c in self.children])
        leaves = [self.names[i] for i in np.flatnonzero(self.is_leaf)]
        self._check_against_classes(leaves, classes)

    def _add(self, name, parent):
        self.names.append(name)
        self.parent.append(parent)
        self.children.append([])
        self.depth.append(self.depth[parent] + 1)
        self.children[parent].append(len(self.names) - 1)
        return len(self.names) - 1

    def _parse(self, taxonomy, root, where):
        if len(taxonomy) == 0:
            raise ValueError("taxonomy is an empty dict; expected parent -> children.")
        queue = [(root, taxonomy)]
        while queue:
            node, mapping = queue.pop(0)
            for name, value in mapping.items():
                if isinstance(value, Mapping):
                    if len(value) == 0:
                        raise ValueError(
                            f"taxonomy node {name!r} has an empty dict of children; "
                            "expected at least one child."
                        )
                    queue.append((self._add(name, node), value))
                elif _is_leaf_sequence(value):
                    leaves = list(value)
                    if len(leaves) == 0:
                        raise ValueError(
                            f"taxonomy node {name!r} has an empty list of leaves; "
                            "expected at least one class label."
                        )
                    if len(leaves) == 1 and leaves[0] == name:
                        # {"GALAXY": ["GALAXY"]}: the node is the leaf itself
                        self._add_leaf(name, node, where)
                        continue
                    parent = self._add(name, node)
                    for leaf in leaves:
                        if isinstance(leaf, Mapping | list | tuple | np.ndarray):
                            raise TypeError(
                                f"taxonomy node {name!r} lists {leaf!r} among its "
                                "leaves; expected class labels (use a dict for "
                                "nested levels)."
                            )
                        self._add_leaf(leaf, parent, where)
                else:
                    raise TypeError(
                        f"taxonomy node {name!r} maps to {type(value).__name__} "
                        f"{value!r}; expected a list of class labels or a dict of "
                        "sub-nodes."
                    )
        internal = [n for i, n in enumerate(self.names) if i and self.children[i]]
        if ROOT in internal:
            raise ValueError(
                f"taxonomy has a node named {ROOT!r}, the name reserved for the "
                "root of the tree; rename that node."
            )
        seen = set()
        for n in internal:
            if n in seen:
                raise ValueError(f"taxonomy node name {n!r} is used twice.")
            if n in where:
                raise ValueError(
                    f"taxonomy name {n!r} is both a node and a leaf (under "
                    f"{where[n]!r}); node and class names must differ."
                )
            seen.add(n)

    def _add_leaf(self, leaf, parent, where):
        if leaf in where:
            raise ValueError(
                f"class {leaf!r} appears twice in the taxonomy (under "
                f"{where[leaf]!r} and {self.names[parent]!r}); every class must "
                "have one parent."
            )
        where[leaf] = self.names[parent]
        self._add(leaf, parent)

    @staticmethod
    def _check_against_classes(leaves, classes):
        class_list = np.asarray(classes).tolist()
        classes_set = set(class_list)
        leaf_set = set(leaves)
        missing = [c for c in class_list if c not in leaf_set]
        if missing:
            raise ValueError(
                f"classes {missing!r} are present in y but missing from the "
                "taxonomy; every class of y must be a leaf of the taxonomy."
            )
        absent = [leaf for leaf in leaves if leaf not in classes_set]
        if absent:
            raise ValueError(
                f"taxonomy leaves {absent!r} are absent from y (classes in y: "
                f"{class_list!r}); every leaf needs training samples."
            )

    def is_descendant(self, node, ancestor) -> bool:
        """Whether ``node`` lies below ``ancestor`` (or is it)."""
        while node != -1:
            if node == ancestor:
                return True
            node = self.parent[node]
        return False

    def child_of_leaf(self, node, leaf_node):
        """Position among ``node``'s children of the child above every leaf.

        ``leaf_node`` holds the node index of each class; classes outside the
        subtree of ``node`` get -1.
        """
        out = np.full(len(leaf_node), -1)
        for k, child in enumerate(self.children[node]):
            for j, leaf in enumerate(leaf_node):
                if self.is_descendant(leaf, child):
                    out[j] = k
        return out

    def subtree_sums(self, leaf_node, values):
        """Every node's sum of ``values`` over the leaves below it."""
        total = np.zeros(len(self.names))
        total[leaf_node] = values
        for i in range(len(self.names) - 1, 0, -1):  # children before parents
            total[self.parent[i]] += total[i]
        return total

    def leaf_ids(self, classes):
        """Node index of each class in ``classes`` order."""
        index = {n: i for i, n in enumerate(self.names) if self.is_leaf[i]}
        return np.array([index[c] for c in classes])

    def fitted_nodes(self):
        """Internal nodes with at least two children: one estimator each."""
        return [i for i, c in enumerate(self.children) if len(c) >= 2]

    def levels(self):
        """Node indices per level, in depth-first order of the taxonomy;
        leaves shallower than a level are carried down to it."""
        order, stack = [], [0]
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(reversed(self.children[node]))
        order = np.asarray(order)
        depth, is_leaf = self.depth[order], self.is_leaf[order]
        return [
            order[(depth == d) | (is_leaf & (depth < d))]
            for d in range(1, int(self.depth.max()) + 1)
        ]


def _map_leaves(taxonomy, fn):
    """The taxonomy with every leaf replaced by ``fn(leaf)`` (a node that is
    its own single leaf, ``{"GALAXY": ["GALAXY"]}``, renamed with it)."""
    out = {}
    for name, value in taxonomy.items():
        if isinstance(value, Mapping):
            out[name] = _map_leaves(value, fn)
        elif _is_leaf_sequence(value):
            leaves = list(value)
            if len(leaves) == 1 and leaves[0] == name:
                name = fn(name)
            out[name] = [fn(leaf) for leaf in leaves]
        else:
            out[name] = value  # Tree reports the wrong type
    return out


def encoded_taxonomy(taxonomy, classes):
    """The taxonomy over integer-encoded labels, or ``taxonomy`` unchanged.

    :func:`sklearn.model_selection.cross_val_predict` with
    ``method="predict_proba"`` hands its estimator ``LabelEncoder`` codes
    (0, 1, ...: the positions of the labels in sorted order) instead of the
    labels. When the classes are such codes, none of them is a leaf and no
    leaf is an integer, the leaves are resolved by position: code ``k`` is
    the ``k``-th leaf in sorted order.
    """
    if taxonomy is None or not np.issubdtype(np.asarray(classes).dtype, np.integer):
        return taxonomy
    leaves = []
    _map_leaves(taxonomy, lambda leaf: leaves.append(leaf))
    if any(isinstance(leaf, Integral | np.integer) for leaf in leaves):
        return taxonomy
    try:
        order = sorted(set(leaves))
    except TypeError:  # leaves of mixed types: no LabelEncoder order
        return taxonomy
    codes = np.asarray(classes)
    if codes.min() < 0 or codes.max() >= len(order):
        return taxonomy
    position = {leaf: k for k, leaf in enumerate(order)}
    return _map_leaves(taxonomy, position.__getitem__)
