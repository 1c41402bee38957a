"""Layer Sharing Explorer: pick a variant and how many layers are shared; see the model live.

`streamlit run app.py` runs this file as __main__. Training workers (forked from a fork server,
or spawned) import it again as __mp_main__: the page's modules load only when the page runs, so
a worker imports what training needs and nothing of the page (no Streamlit caches, no views).
"""

if __name__ == "__main__":
    from components.shell.page import main

    main()
